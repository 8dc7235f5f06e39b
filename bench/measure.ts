/** Latency and throughput measurement shared by the benchmarks. */
import { appendFileSync } from 'node:fs';
import * as os from 'node:os';

export interface Row {
  what: string;
  n: number;
  concurrency: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
  failures: number;
}

/** A positive integer command-line option `--name N`, or the fallback. */
export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** The file named by `--out`, if any. */
export function outFile(): string | undefined {
  const at = process.argv.indexOf('--out');
  return at >= 0 ? process.argv[at + 1] : undefined;
}

interface Tally {
  latencies: number[];
  failures: number;
}

/** Runs `task(i)`, adding its latency since `since` (ms) or counting its failure. */
async function timed(what: string, tally: Tally, since: number, task: () => Promise<void>): Promise<void> {
  try {
    await task();
    tally.latencies.push(performance.now() - since);
  } catch (err) {
    tally.failures++;
    if (tally.failures <= 3) console.error(`${what}: ${(err as Error).message}`);
  }
}

function summarise(what: string, n: number, concurrency: number, tally: Tally, started: number): Row {
  const seconds = (performance.now() - started) / 1000;
  const latencies = [...tally.latencies].sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const row = {
    what,
    n,
    concurrency,
    p50: pick(0.5),
    p95: pick(0.95),
    p99: pick(0.99),
    max: pick(1),
    perSecond: latencies.length / seconds,
    failures: tally.failures,
  };
  console.error(
    `${what}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.perSecond.toFixed(1)}/s, ${row.failures} failed`,
  );
  return row;
}

/** Runs `task` n times with `concurrency` workers; latencies in ms. */
export async function measure(
  what: string,
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<Row> {
  const tally: Tally = { latencies: [], failures: 0 };
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await timed(what, tally, performance.now(), () => task(i));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarise(what, n, concurrency, tally, started);
}

/**
 * Open loop: request i is due i / rate seconds after the start and is sent then, whatever the
 * earlier answers' latency; its latency runs from that due time to its answer (as its caller sees it).
 */
export async function measureAtRate(
  what: string,
  rate: number,
  seconds: number,
  task: (i: number) => Promise<void>,
): Promise<Row> {
  const n = rate * seconds;
  const tally: Tally = { latencies: [], failures: 0 };
  const started = performance.now();
  const request = async (i: number): Promise<void> => {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await timed(what, tally, due, () => task(i));
  };
  await Promise.all(Array.from({ length: n }, (_, i) => request(i)));
  return summarise(what, n, n, tally, started);
}

export function table(rows: Row[]): string {
  return [
    '| operation | n | concurrency | p50 ms | p95 ms | p99 ms | max ms | per second | failed |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.n} | ${r.concurrency} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.perSecond.toFixed(1)} | ${r.failures} |`,
    ),
  ].join('\n');
}

/** The one-minute load average when the benchmark process started, before its own work. */
const LOAD_AT_START = os.loadavg()[0]!;

/** The heading of one run in bench/RESULTS.md: time, machine, and the command that made it. */
export function runHeading(command: string): string {
  const when = new Date().toISOString().slice(0, 16);
  const load = LOAD_AT_START.toFixed(2);
  return `## ${when}Z — ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\nCommand: \`${command}\` (load average at the start: ${load})\n`;
}

/**
 * Prints the run's report (its heading, the table of `rows`, then `after`), appends it to the file
 * named by `--out`, if any, and makes the process end with status 1 if any operation failed.
 */
export function report(command: string, rows: Row[], after = ''): void {
  const text = `${runHeading(command)}\n${table(rows)}\n${after}`;
  console.log(text);
  const out = outFile();
  if (out) appendFileSync(out, `\n${text}`);
  if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
}

/** Runs a benchmark's `main`: an error is printed and ends the process with status 1. */
export function run(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
