/**
 * Access benchmark against the running platform: a doctor's read of a record through the API —
 * the ledger's ruling (access:Check, evaluated against the committed state), the access recorded
 * durably, the content opened and the granted fields released — at concurrency 1, 8 and 32 and at
 * a fixed arrival rate. Beside it, in the same run and chaincode, probe:Noop evaluated and
 * submitted directly (the ceilings of a ledger query and of a ledger write) at the same concurrency.
 *
 * The API limits each client address to RATE_LIMIT_PER_MINUTE requests (600 by default), which a
 * fixed rate of 50 req/s exceeds: start the platform with a higher limit for this benchmark, e.g.
 * `RATE_LIMIT_PER_MINUTE=100000 npm start`.
 *
 * Records are registered for the run by Hospital1's clerk, with their content; Hospital1's doctor
 * reads them under the general policy (a hospital reads the records it indexed itself).
 *
 *   npm run bench:access -- [--reads 200] [--rate 50] [--seconds 20] [--out FILE]
 */
import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { call, connectionFile, gatewayFor, labReportEntry, login } from '../tests/integration/stack';
import { measure, measureAtRate, option, report, type Row, run } from './measure';

const READS = option('reads', 200);
const RATE = option('rate', 50);
const SECONDS = option('seconds', 20);
const LEVELS = [1, 8, 32];
const RECORDS = 20;

/** Registers RECORDS lab reports of one patient as h1.clerk and stores their content. */
async function records(): Promise<string[]> {
  const clerk = await login('h1.clerk');
  const patientId = randomBytes(32).toString('hex');
  const run = randomBytes(4).toString('hex');
  const fields = { diagnosis: 'J18.9', labResults: 'WBC 11.2' };
  const ids = Array.from({ length: RECORDS }, (_, i) => `BENCH-ACC-${run}-${i}`);
  const entries = ids.map((recordId) => labReportEntry(recordId, patientId, fields));
  const batch = await call(clerk, 'POST', '/records/batches', { records: entries });
  if (batch.status !== 201) throw new Error(`register: HTTP ${batch.status} ${JSON.stringify(batch.body)}`);
  for (const recordId of ids) {
    const stored = await call(clerk, 'PUT', `/records/${recordId}/content`, { fields });
    if (stored.status >= 300) throw new Error(`content: HTTP ${stored.status} ${JSON.stringify(stored.body)}`);
  }
  return ids;
}

function reader(token: string, ids: string[]): (i: number) => Promise<void> {
  return async (i) => {
    const res = await call(token, 'POST', `/access/records/${ids[i % ids.length]!}`, {
      purpose: 'TREATMENT',
      fields: ['diagnosis'],
    });
    const released = (res.body['fields'] as Record<string, unknown> | undefined)?.['diagnosis'];
    if (res.status !== 200 || released !== 'J18.9') throw new Error(`HTTP ${res.status} ${JSON.stringify(res.body)}`);
  };
}

/** Requests started at RATE per second for SECONDS, whatever the answers' latency. */
function atRate(read: (i: number) => Promise<void>): Promise<Row> {
  return measureAtRate(`API: POST /access/records/{id} at ${RATE} req/s`, RATE, SECONDS, read);
}

async function levels(probe: Contract, read: (i: number) => Promise<void>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const concurrency of LEVELS) {
    rows.push(
      await measure('baseline: probe:Noop evaluate', READS, concurrency, async () => {
        await probe.evaluateTransaction('Noop');
      }),
    );
    rows.push(
      await measure('baseline: probe:Noop submit', READS, concurrency, async () => {
        await probe.submitTransaction('Noop');
      }),
    );
    rows.push(await measure('API: POST /access/records/{id} (check, record, open, release)', READS, concurrency, read));
  }
  rows.push(await atRate(read));
  return rows;
}

async function main(): Promise<void> {
  const conn = connectionFile();
  const h1 = gatewayFor('Hospital1MSP');
  const probe = h1.gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'probe');
  const read = reader(await login('h1.doctor'), await records());
  const rows = await levels(probe, read);
  h1.gateway.close();
  h1.client.close();
  report(`npm run bench:access -- --reads ${READS} --rate ${RATE} --seconds ${SECONDS}`, rows);
}

run(main);
