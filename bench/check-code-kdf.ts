/**
 * Check-code KDF benchmark (no platform needed): what one check of a check code costs the
 * verifier, and what trying all 34^6 check codes of one invoice costs someone who reads the ledger
 * — before (one SM3 of `code:number:checkCode`, no salt) and after (PBKDF2-HMAC-SM3 with the
 * invoice's salt at the configured iterations), with the gateway's own derivation code.
 *
 *   npm run bench:kdf -- [--iterations N] [--derivations N] [--out FILE]
 *
 * CPU time is the process's (user + system, the thread pool included), measured one derivation at
 * a time: the least of the samples is what a full search costs at best (an attacker's idle
 * machine), the median what a verify costs on a busy one. Throughput runs 4 derivations per core at
 * once on libuv's pool.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import * as os from 'node:os';
import {
  CHECK_CODE_ALPHABET,
  CHECK_CODE_LENGTH,
  DEFAULT_CHECK_CODE_ITERATIONS,
  deriveCheckCodeHash,
  generateCheckCode,
} from '../gateway-api/src/modules/invoices/check-code';
import { option, outFile, run, runHeading } from './measure';

const CONFIGURED = Number(process.env['CHECK_CODE_KDF_ITERATIONS'] ?? DEFAULT_CHECK_CODE_ITERATIONS);
const ITERATIONS = option('iterations', CONFIGURED);
const DERIVATIONS = option('derivations', 100);
const SM3_HASHES = 200_000;
const OUT = outFile();
const SWEEP = [10_000, 20_000, 30_000, 50_000];

/** Every check code of one invoice. */
const SEARCH_SPACE = CHECK_CODE_ALPHABET.length ** CHECK_CODE_LENGTH;
const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

const id = { code: '31010125', number: '0000000001' };

interface Row {
  what: string;
  iterations: number;
  /** Samples measured one at a time (for SM3: batches of SM3_BATCH hashes). */
  n: number;
  /** CPU ms per check (process time): least and median of the samples. */
  cpuMin: number;
  cpuMedian: number;
  /** Wall ms per check, median. */
  wallMedian: number;
  /** Checks per second with every core busy. */
  perSecond: number;
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const median = (sorted: readonly number[]) => sorted[Math.floor(sorted.length / 2)] ?? NaN;

/** CPU and wall ms of each of `n` runs, each divided by `per` (checks per run). */
async function samples(n: number, per: number, run: () => Promise<unknown>) {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const cpu0 = cpuNow();
    const wall0 = performance.now();
    await run();
    cpu.push((cpuNow() - cpu0) / per);
    wall.push((performance.now() - wall0) / per);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return { cpuMin: cpu[0] ?? NaN, cpuMedian: median(cpu), wallMedian: median(wall) };
}

const SM3_BATCH = 1000;

async function sm3Row(): Promise<Row> {
  const password = `${id.code}:${id.number}:${generateCheckCode()}`;
  const batch = () => {
    for (let i = 0; i < SM3_BATCH; i++) createHash('sm3').update(password).digest('hex');
    return Promise.resolve();
  };
  const measured = await samples(SM3_HASHES / SM3_BATCH, SM3_BATCH, batch);
  return {
    what: 'before: SM3(code:number:checkCode), no salt',
    iterations: 1,
    n: SM3_HASHES / SM3_BATCH,
    ...measured,
    perSecond: (1000 / measured.cpuMedian) * os.cpus().length,
  };
}

async function pbkdf2Row(what: string, iterations: number, n: number): Promise<Row> {
  const salt = randomBytes(16).toString('hex');
  const derive = () => deriveCheckCodeHash(id, generateCheckCode(), salt, iterations);
  await derive(); // warm-up
  const measured = await samples(n, 1, derive);
  const parallel = 4 * os.cpus().length;
  const wall0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, derive));
  const perSecond = parallel / ((performance.now() - wall0) / 1000);
  return { what, iterations, n, ...measured, perSecond };
}

/** CPU time to try all 34^6 codes at `cpuMs` per code, in the largest fitting unit. */
function fullSearch(cpuMs: number): string {
  const seconds = (SEARCH_SPACE * cpuMs) / 1000;
  if (seconds >= SECONDS_PER_YEAR / 4) return `${(seconds / SECONDS_PER_YEAR).toFixed(2)} CPU-years`;
  if (seconds >= 2 * 86400) return `${(seconds / 86400).toFixed(1)} CPU-days`;
  return `${(seconds / 3600).toFixed(1)} CPU-hours`;
}

const ms = (value: number) => (value < 0.1 ? value.toFixed(4) : value.toFixed(1));

function table(rows: Row[]): string {
  return [
    '| derivation | iterations | samples | CPU ms per check, least | CPU ms per check, median | wall ms, median | checks per second, all cores | all 34^6 codes of one invoice, at the least CPU time |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.iterations} | ${r.n} | ${ms(r.cpuMin)} | ${ms(r.cpuMedian)} | ${ms(r.wallMedian)} | ${r.perSecond.toFixed(0)} | ${fullSearch(r.cpuMin)} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const load = os.loadavg()[0]?.toFixed(2) ?? '?';
  const rows = [
    await sm3Row(),
    await pbkdf2Row('after: PBKDF2-HMAC-SM3, 16-byte salt (configured)', ITERATIONS, DERIVATIONS),
  ];
  for (const iterations of SWEEP.filter((i) => i !== ITERATIONS)) {
    rows.push(
      await pbkdf2Row('PBKDF2-HMAC-SM3 (for comparison)', iterations, Math.max(10, Math.round(DERIVATIONS / 4))),
    );
  }
  const configured = rows[1];
  if (configured === undefined) throw new Error('no measurement');
  const target = ((SECONDS_PER_YEAR * 1000) / SEARCH_SPACE).toFixed(1);
  const report = [
    runHeading(`npm run bench:kdf -- --iterations ${ITERATIONS} --derivations ${DERIVATIONS}`),
    `Load average (1 min) at the start: ${load}. ${SEARCH_SPACE.toLocaleString('en')} check codes per invoice (34^6); one CPU-year needs ${target} ms per check.`,
    '',
    table(rows),
    '',
    `At ${ITERATIONS} iterations a full search for one invoice's check code costs at least ${fullSearch(configured.cpuMin)} ` +
      `(${SEARCH_SPACE.toLocaleString('en')} × ${configured.cpuMin.toFixed(1)} ms, the least CPU time measured), ` +
      `against ${fullSearch(rows[0]?.cpuMin ?? NaN)} with SM3; each verify costs the gateway about ` +
      `${configured.cpuMedian.toFixed(1)} ms of CPU on its thread pool.`,
    '',
  ].join('\n');
  console.log(report);
  if (OUT) appendFileSync(OUT, `\n${report}`);
}

run(main);
