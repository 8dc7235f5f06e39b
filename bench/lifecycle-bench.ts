/**
 * Lifecycle benchmark against the running platform: where throughput saturates. For each
 * concurrency level, invoice:Issue and Lock+Reimburse beside two baselines measured in the same
 * run and chaincode: probe:Noop (a submit that writes nothing) and invoice:Read (one key). Then
 * the verification API at a fixed arrival rate: the same invoices again and again, and each of
 * as many invoices once — issued through the API, and issued on the ledger directly.
 *
 *   npm run bench:lifecycle -- [--levels 1,8,32,128|none] [--rate 50] [--seconds 20] [--iterations N]
 *     [--verify repeated,here,elsewhere|none] [--out FILE]
 */
import type { Contract } from '@hyperledger/fabric-gateway';
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
import {
  DEFAULT_CHECK_CODE_ITERATIONS,
  generateCheckCode,
  protectCheckCode,
} from '../gateway-api/src/modules/invoices/check-code';
import { ledgerIssueInput } from './ledger-input';
import { measure, measureAtRate, option, report, type Row, run } from './measure';

const levelsArg = process.argv[process.argv.indexOf('--levels') + 1] ?? '';
const LEVELS =
  levelsArg === 'none' ? [] : /^\d+(,\d+)*$/.test(levelsArg) ? levelsArg.split(',').map(Number) : [1, 8, 32, 128];
const VERIFY_ROWS = ['repeated', 'here', 'elsewhere'] as const;
const verifyArg = process.argv.includes('--verify') ? process.argv[process.argv.indexOf('--verify') + 1] : undefined;
const VERIFY = verifyArg === 'none' ? [] : (verifyArg?.split(',') ?? [...VERIFY_ROWS]);
if (!VERIFY.every((r) => (VERIFY_ROWS as readonly string[]).includes(r))) {
  throw new Error(`--verify takes none or some of ${VERIFY_ROWS.join(',')}`);
}
const RATE = option('rate', 50);
const SECONDS = option('seconds', 20);

function issueInput(id: { code: string; number: string }): string {
  return JSON.stringify(ledgerIssueInput(id));
}

interface Contracts {
  hospital: Contract;
  probe: Contract;
  payer: Contract;
}

async function level(c: Contracts, concurrency: number, pool: { code: string; number: string }[]): Promise<Row[]> {
  const submits = Math.max(30, concurrency * 4);
  const reads = Math.max(100, concurrency * 10);
  const rows: Row[] = [];
  rows.push(
    await measure('baseline: submit probe:Noop', submits, concurrency, () =>
      c.probe.submitTransaction('Noop').then(() => undefined),
    ),
  );
  const known = pool[0]!;
  rows.push(
    await measure('baseline: evaluate invoice:Read (one key)', reads, concurrency, () =>
      c.hospital.evaluateTransaction('Read', known.code, known.number).then(() => undefined),
    ),
  );
  const fresh: { code: string; number: string }[] = [];
  rows.push(
    await measure('submit invoice:Issue', submits, concurrency, async () => {
      const id = newInvoiceId();
      await c.hospital.submitTransaction('Issue', issueInput(id));
      fresh.push(id);
    }),
  );
  const pairs = Math.min(fresh.length, Math.max(20, concurrency * 2));
  rows.push(
    await measure('submit invoice:Lock then Reimburse (2 tx)', pairs, concurrency, async (i) => {
      const id = fresh[i]!;
      const claimId = `B-${i}`;
      await c.payer.submitTransaction(
        'Lock',
        JSON.stringify({ ...id, actor: 'bench', claimId, amount: 4830, ttlSeconds: 600 }),
      );
      await c.payer.submitTransaction('Reimburse', JSON.stringify({ ...id, actor: 'bench', claimId, amount: 4830 }));
    }),
  );
  return rows;
}

type Issued = { code: string; number: string; checkCode: string };

/** One verify request per `1000 / RATE` ms (open loop), of `pick(i)`: latency as the caller sees it. */
async function verifyAtRate(label: string, token: string, pick: (i: number) => Issued): Promise<Row> {
  return measureAtRate(`API: POST /invoices/verify at ${RATE} req/s, ${label}`, RATE, SECONDS, async (i) => {
    await verify(token, pick(i));
  });
}

async function verify(token: string, inv: Issued): Promise<void> {
  const res = await fetch(`${API_URL}/invoices/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code: inv.code, number: inv.number, checkCode: inv.checkCode }),
  });
  if (res.status !== 200 || ((await res.json()) as { result?: string }).result !== 'authentic') {
    throw new Error(`HTTP ${res.status}`);
  }
}

/**
 * Ten invoices issued through the API and verified once each, then again and again: the gateway
 * has each confirmed derivation (the reimburser who checks an invoice at intake and at claim time).
 */
async function verifyRepeated(token: string): Promise<Row> {
  const clerk = await login('h1.clerk');
  const issued: Issued[] = [];
  for (let i = 0; i < 10; i++) issued.push(await issueHere(clerk));
  for (const inv of issued) await verify(token, inv);
  return verifyAtRate('10 invoices again and again', token, (i) => issued[i % issued.length]!);
}

/** Issues one invoice through the API (its documents stored here) and returns its check code. */
async function issueHere(clerk: string): Promise<Issued> {
  const id = newInvoiceId();
  const res = await issueViaApi(clerk, invoiceData(id), samplePdf('bench'));
  if (res.status !== 201) throw new Error(`issue: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Issued;
}

/**
 * As many invoices as requests, issued through the API, each verified once: the gateway holds
 * their structured data and checks each guess against the check code anchored in it.
 */
async function verifyEachOnceIssuedHere(token: string): Promise<Row> {
  const clerk = await login('h1.clerk');
  const issued: Issued[] = [];
  await measure('(setup: issue through the API for the next row)', RATE * SECONDS, 16, async () => {
    issued.push(await issueHere(clerk));
  });
  return verifyAtRate('each of as many invoices once, issued here', token, (i) => issued[i]!);
}

/**
 * As many invoices as requests, each verified once, issued on the ledger directly: this platform
 * holds none of their documents, so every request derives its check code (PBKDF2-HMAC-SM3, the
 * configured iterations) besides reading the invoice. Issued 32 at a time.
 */
async function verifyEachOnceIssuedElsewhere(c: Contracts, token: string): Promise<Row> {
  const iterations = option('iterations', DEFAULT_CHECK_CODE_ITERATIONS);
  const issued: Issued[] = [];
  const total = RATE * SECONDS;
  await measure('(setup: issue on the ledger for the next row)', total, 32, async () => {
    const id = newInvoiceId();
    const checkCode = generateCheckCode();
    const protection = await protectCheckCode(id, checkCode, iterations);
    await c.hospital.submitTransaction('Issue', JSON.stringify({ ...ledgerIssueInput(id), ...protection }));
    issued.push({ ...id, checkCode });
  });
  const label = 'each of as many invoices once, documents not held here (derivation)';
  return verifyAtRate(label, token, (i) => issued[i]!);
}

async function main(): Promise<void> {
  const conn = connectionFile();
  const h1 = gatewayFor('Hospital1MSP');
  const medins = gatewayFor('MedInsMSP');
  const network = h1.gateway.getNetwork(conn.channel);
  const c: Contracts = {
    hospital: network.getContract(conn.chaincode, 'invoice'),
    probe: network.getContract(conn.chaincode, 'probe'),
    payer: medins.gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'invoice'),
  };
  const seed = newInvoiceId();
  await c.hospital.submitTransaction('Issue', issueInput(seed));
  const rows: Row[] = [];
  for (const concurrency of LEVELS) rows.push(...(await level(c, concurrency, [seed])));
  const insurer = await login('insurer.officer');
  if (VERIFY.includes('repeated')) rows.push(await verifyRepeated(insurer));
  if (VERIFY.includes('here')) rows.push(await verifyEachOnceIssuedHere(insurer));
  if (VERIFY.includes('elsewhere')) rows.push(await verifyEachOnceIssuedElsewhere(c, insurer));
  for (const g of [h1, medins]) {
    g.gateway.close();
    g.client.close();
  }
  // The verify row's "concurrency" is the number of requests in flight at most; its rate is fixed.
  const levels = LEVELS.length === 0 ? 'none' : LEVELS.join(',');
  const verifying = VERIFY.length === VERIFY_ROWS.length ? '' : ` --verify ${VERIFY.join(',') || 'none'}`;
  report(`npm run bench:lifecycle -- --levels ${levels} --rate ${RATE} --seconds ${SECONDS}${verifying}`, rows);
}

run(main);
