/**
 * Health-record index benchmark against the running platform: record indices per second when
 * hospitals submit records:RegisterBatch directly with fabric-gateway, at several batch sizes and
 * concurrencies, beside the rate of RegisterBatch with one record per transaction in the same run
 * and chaincode. The last level (the largest batch size and concurrency) is sustained for
 * `--seconds` (default 60), reporting its rate over each 10-second window.
 *
 *   npm run bench:records -- [--sizes 100,250,500] [--concurrency 2,4] [--batches 12] [--seconds 60] [--out FILE]
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { connectionFile, gatewayFor } from '../tests/integration/stack';
import { measure, option, report, type Row, run } from './measure';

function listOption(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(`--${name}`);
  const text = at >= 0 ? (process.argv[at + 1] ?? '') : '';
  return /^\d+(,\d+)*$/.test(text) ? text.split(',').map(Number) : fallback;
}

const SIZES = listOption('sizes', [100, 250, 500]);
const CONCURRENCY = listOption('concurrency', [2, 4]);
const BATCHES = option('batches', 12);
const SECONDS = option('seconds', 60);
const SINGLES = option('singles', 300);
const RUN = randomBytes(4).toString('hex');
let serial = 0;

function entry(): Record<string, unknown> {
  serial += 1;
  const recordId = `BENCH-${RUN}-${serial}`;
  return {
    recordId,
    patientId: createHash('sm3')
      .update(`patient-${serial % 997}`)
      .digest('hex'),
    encounterId: `ENC-${RUN}-${Math.floor(serial / 4)}`,
    type: 'LAB_REPORT',
    recordedAt: new Date(Date.UTC(2026, 10, 20) + serial).toISOString(),
    digest: createHash('sm3').update(recordId).digest('hex'),
    classification: 3,
    pointer: `his://hospital1/records/${recordId}`,
  };
}

function batchInput(size: number): string {
  return JSON.stringify({ records: Array.from({ length: size }, entry) });
}

/** A `measure` row in batches, with the records per second it amounts to. */
function inRecords(row: Row, size: number, what: string): Row {
  return { ...row, what: `${what} (${(row.perSecond * size).toFixed(0)} records/s)` };
}

async function levels(records: Contract): Promise<Row[]> {
  const rows: Row[] = [];
  const singles = await measure('records:RegisterBatch, 1 record per tx', SINGLES, 32, async () => {
    await records.submitTransaction('RegisterBatch', batchInput(1));
  });
  rows.push(inRecords(singles, 1, 'baseline: RegisterBatch of 1 record, tx/s'));
  for (const size of SIZES) {
    for (const concurrency of CONCURRENCY) {
      const row = await measure(`RegisterBatch of ${size}`, BATCHES, concurrency, async () => {
        await records.submitTransaction('RegisterBatch', batchInput(size));
      });
      rows.push(inRecords(row, size, `RegisterBatch of ${size} records, batches/s`));
    }
  }
  return rows;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Submits batches of `size` with `concurrency` workers for SECONDS; records committed per 10 s window. */
async function sustained(
  records: Contract,
  size: number,
  concurrency: number,
): Promise<{ row: Row; windows: number[] }> {
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const windows: number[] = Array.from({ length: Math.ceil(SECONDS / 10) }, () => 0);
  const latencies: number[] = [];
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await records.submitTransaction('RegisterBatch', batchInput(size));
        latencies.push(performance.now() - t0);
        const window = Math.floor((performance.now() - started) / 10_000);
        if (window < windows.length) windows[window] = (windows[window] ?? 0) + size;
      } catch (err) {
        failures += 1;
        if (failures <= 3) console.error(`sustained: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const what = `sustained ${seconds.toFixed(0)} s, RegisterBatch of ${size} records, batches/s`;
  const row: Row = {
    what,
    n: latencies.length + failures,
    concurrency,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: quantile(latencies, 1),
    perSecond: latencies.length / seconds,
    failures,
  };
  return { row: inRecords(row, size, what), windows };
}

async function main(): Promise<void> {
  const conn = connectionFile();
  const h1 = gatewayFor('Hospital1MSP');
  const records = h1.gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'records');
  await records.submitTransaction('RegisterBatch', batchInput(10));
  const rows = await levels(records);
  const size = Math.max(...SIZES);
  const concurrency = Math.max(...CONCURRENCY);
  const { row, windows } = await sustained(records, size, concurrency);
  rows.push(row);
  h1.gateway.close();
  h1.client.close();
  const perWindow = windows.map((n) => (n / 10).toFixed(0)).join(', ');
  const command = `npm run bench:records -- --sizes ${SIZES.join(',')} --concurrency ${CONCURRENCY.join(',')} --batches ${BATCHES} --seconds ${SECONDS}`;
  report(command, rows, `\nSustained run, records/s in each 10 s window: ${perWindow}\n`);
}

run(main);
