/**
 * Invoice benchmark against the running platform (`npm start`): latency and throughput of the
 * REST API beside the bare ledger calls it makes, so the API's own cost is visible.
 *
 *   npm run bench -- [--issues N] [--verifies N] [--concurrency C] [--out FILE]
 */
import { randomBytes } from 'node:crypto';
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
import { ledgerIssueInput } from './ledger-input';
import { deriveCheckCodeHash } from '../gateway-api/src/modules/invoices/check-code';
import { measure, option, report, type Row, run } from './measure';

const ISSUES = option('issues', 40);
const VERIFIES = option('verifies', 200);
const CONCURRENCY = option('concurrency', 8);

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
    const input = ledgerIssueInput();
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
  // The ledger baseline gets each check code's PBKDF2 hash derived beforehand (salt and iterations
  // read from the ledger); the API derives it in every verify.
  const hashes = new Map<string, string>();
  for (const inv of issued) {
    const onChain = JSON.parse(
      Buffer.from(await contract.evaluateTransaction('Read', inv.code, inv.number)).toString('utf8'),
    ) as { checkCodeSalt: string; checkCodeIterations: number };
    const hash = await deriveCheckCodeHash(inv, inv.checkCode, onChain.checkCodeSalt, onChain.checkCodeIterations);
    hashes.set(`${inv.code}/${inv.number}`, hash);
  }
  const ledgerVerify = async (i: number) => {
    const inv = pick(i);
    const hash = hashes.get(`${inv.code}/${inv.number}`) ?? '';
    await contract.evaluateTransaction('Verify', inv.code, inv.number, hash, '', '');
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

  report(`npm run bench -- --issues ${ISSUES} --verifies ${VERIFIES} --concurrency ${CONCURRENCY}`, rows);
}

run(main);
