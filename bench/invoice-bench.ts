/**
 * Invoice benchmark against the running platform (`npm start`): latency and throughput of the
 * REST API beside the bare ledger calls it makes, so the API's own cost is visible.
 *
 *   npm run bench -- [--issues N] [--verifies N] [--concurrency C] [--out FILE]
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import * as os from 'node:os';
import {
  API_URL,
  connectionFile,
  gatewayFor,
  invoiceData,
  issueViaApi,
  login,
  newInvoiceId,
  samplePdf,
} from '../tests/integration/stack';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}
const ISSUES = option('issues', 40);
const VERIFIES = option('verifies', 200);
const CONCURRENCY = option('concurrency', 8);
const outAt = process.argv.indexOf('--out');
const OUT = outAt >= 0 ? process.argv[outAt + 1] : undefined;

interface Row {
  what: string;
  n: number;
  concurrency: number;
  p50: number;
  p95: number;
  max: number;
  perSecond: number;
  failures: number;
}

/** Runs `task` n times with `concurrency` workers; latencies in ms. */
async function measure(what: string, n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<Row> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      try {
        await task(i);
        latencies.push(performance.now() - t0);
      } catch (err) {
        failures++;
        if (failures <= 3) console.error(`${what}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const row = {
    what,
    n,
    concurrency,
    p50: pick(0.5),
    p95: pick(0.95),
    max: pick(1),
    perSecond: latencies.length / seconds,
    failures,
  };
  console.error(`${what}: p50 ${row.p50.toFixed(1)} ms, ${row.perSecond.toFixed(1)}/s, ${failures} failed`);
  return row;
}

const sm3 = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');
const fakeCid = () =>
  `bafkrei${randomBytes(32)
    .toString('hex')
    .slice(0, 52)
    .replace(/[0189]/g, 'a')}`;

async function main(): Promise<void> {
  const conn = connectionFile();
  const { gateway, client } = gatewayFor('Hospital1MSP');
  const contract = gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'invoice');
  const clerk = await login('h1.clerk');
  const insurer = await login('insurer.officer');
  const pdf = Buffer.concat([samplePdf('benchmark'), randomBytes(100 * 1024)]);

  const issued: Array<{ code: string; number: string; checkCode: string }> = [];
  const rows: Row[] = [];

  const ledgerIssue = async () => {
    const id = newInvoiceId();
    const input = {
      ...id,
      checkCodeHash: sm3(`${id.code}:${id.number}:BENCH1`),
      type: 'OUTPATIENT',
      issuingUnit: 'Benchmark unit',
      totalAmount: 12830,
      payment: { medicalInsuranceFund: 8000, personalAccount: 2000, otherFund: 0, selfPay: 2830 },
      reimbursableAmount: 4830,
      payerPseudonym: sm3(randomBytes(16)),
      dataDigest: sm3(randomBytes(16)),
      pdfDigest: sm3(randomBytes(16)),
      dataCid: fakeCid(),
      pdfCid: fakeCid(),
    };
    await contract.submitTransaction('Issue', JSON.stringify(input));
  };
  const apiIssue = async () => {
    const id = newInvoiceId();
    const res = await issueViaApi(clerk, invoiceData(id), pdf);
    if (res.status !== 201) throw new Error(`HTTP ${res.status} ${await res.text()}`);
    issued.push((await res.json()) as { code: string; number: string; checkCode: string });
  };

  rows.push(await measure('ledger: submit invoice:Issue (fabric-gateway, no API)', ISSUES, 1, ledgerIssue));
  rows.push(await measure('API: POST /invoices with 100 KB PDF', ISSUES, 1, apiIssue));
  rows.push(
    await measure('ledger: submit invoice:Issue (fabric-gateway, no API)', ISSUES * 2, CONCURRENCY, ledgerIssue),
  );
  rows.push(await measure('API: POST /invoices with 100 KB PDF', ISSUES * 2, CONCURRENCY, apiIssue));

  const pick = (i: number) => issued[i % issued.length]!;
  const ledgerVerify = async (i: number) => {
    const inv = pick(i);
    await contract.evaluateTransaction(
      'Verify',
      inv.code,
      inv.number,
      sm3(`${inv.code}:${inv.number}:${inv.checkCode}`),
      '',
      '',
    );
  };
  const apiVerify = async (i: number) => {
    const inv = pick(i);
    const res = await fetch(`${API_URL}/invoices/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${insurer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: inv.code, number: inv.number, checkCode: inv.checkCode }),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { result: string };
    if (body.result !== 'authentic') throw new Error(`verify said ${body.result}`);
  };
  rows.push(
    await measure('ledger: evaluate invoice:Verify (fabric-gateway, no API)', VERIFIES, CONCURRENCY, ledgerVerify),
  );
  rows.push(await measure('API: POST /invoices/verify (JSON)', VERIFIES, CONCURRENCY, apiVerify));

  gateway.close();
  client.close();

  const table = [
    '| operation | n | concurrency | p50 ms | p95 ms | max ms | per second | failed |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.n} | ${r.concurrency} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.perSecond.toFixed(1)} | ${r.failures} |`,
    ),
  ].join('\n');
  const header = `## ${new Date().toISOString().slice(0, 16)}Z — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\nCommand: \`npm run bench -- --issues ${ISSUES} --verifies ${VERIFIES} --concurrency ${CONCURRENCY}\`\n`;
  const report = `${header}\n${table}\n`;
  console.log(report);
  if (OUT) appendFileSync(OUT, `\n${report}`);
  if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
