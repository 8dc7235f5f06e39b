/**
 * Bulk migration end to end: 10,000 historic invoices of Hospital1 with their PDFs imported with
 * the CLI through the REST API into the running consortium, FerretDB and Kubo; the CLI is killed
 * part way and run again, which continues the same job. The report must show the chain equal to
 * the source but for two deliberately broken items, each listed as a mismatch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateSource } from '../../gateway-api/src/cli/migration-source-generator';
import { API_URL, DEMO_PASSWORDS, login, ROOT_DIR, verifyViaApi } from './stack';

/*
 * At 32,000 check-code KDF iterations the reference 2-core machine imports about 6 invoices/s with the
 * whole platform running (bench/RESULTS.md), so 10,000 take about half an hour;
 * MIGRATION_TEST_COUNT runs a smaller import.
 */
const COUNT = Number(process.env.MIGRATION_TEST_COUNT ?? 10_000);
jest.setTimeout(Math.max(600_000, COUNT * 400));
const children = new Set<ReturnType<typeof spawn>>();
const CLI = path.join(ROOT_DIR, 'gateway-api', 'dist', 'cli', 'migrate.js');

interface Report {
  complete: boolean;
  source: { count: number; amount: number };
  chain: { count: number; amount: number };
  byType: { key: string; source: { count: number }; chain: { count: number } }[];
  byDay: { key: string; source: { count: number; amount: number }; chain: { count: number; amount: number } }[];
  mismatches: { seq: number; code: string; number: string; kind: string; detail: string }[];
}

interface ManifestLine {
  invoice: { code: string; number: string; totalAmount: number; type: string };
  issuedAt: string;
  checkCode?: string;
  pdf: string;
}

/** Runs the CLI; `stopWhen` sees its stderr and may kill it part way. Resolves with its exit code. */
function migrate(
  dir: string,
  report: string,
  stopWhen?: (stderr: string) => boolean,
): Promise<{ code: number | null; stderr: string }> {
  const args = [
    CLI,
    '--source',
    dir,
    '--api',
    API_URL,
    '--user',
    'h1.clerk',
    '--password',
    DEMO_PASSWORDS['h1.clerk'] ?? '',
    '--report',
    report,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (stopWhen?.(stderr) === true && child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

function sentSoFar(stderr: string): number {
  const matches = [...stderr.matchAll(/sending\s+\[[#.]+\]\s+\d+% (\d+)\//g)];
  return Number(matches.at(-1)?.[1] ?? 0);
}

describe('bulk migration of historic invoices', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hdt-migration-'));
  const reportFile = path.join(dir, 'report.json');
  let lines: ManifestLine[] = [];

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  beforeAll(async () => {
    const firstNumber = 1_000_000_000 + Math.floor(Math.random() * 8_000_000_000);
    const manifest = await generateSource({ dir, count: COUNT, firstNumber, broken: true });
    lines = readFileSync(manifest, 'utf8')
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as ManifestLine);
  });

  test('an interrupted import is continued by running the same command again', async () => {
    const started = Date.now();
    const first = await migrate(dir, reportFile, (stderr) => sentSoFar(stderr) >= COUNT / 5);
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/^new job [0-9a-f-]{36}/);

    const second = await migrate(dir, reportFile);
    expect(second.stderr).toMatch(/continuing job [0-9a-f-]{36}/);
    expect(second.code).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `migrated ${COUNT} invoices in ${seconds.toFixed(0)} s: ${(COUNT / seconds).toFixed(1)} invoices/s\n`,
    );
  });

  test('the report: chain equals source but for the broken items, each listed', () => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    const good = lines.slice(0, COUNT);
    const amount = (of: ManifestLine[]) => of.reduce((sum, line) => sum + line.invoice.totalAmount, 0);
    expect(report.complete).toBe(true);
    expect(report.source).toEqual({ count: COUNT + 2, amount: amount(lines) });
    expect(report.chain).toEqual({ count: COUNT, amount: amount(good) });
    expect(report.mismatches.map((m) => [m.seq, m.kind])).toEqual([
      [COUNT + 1, 'refused'],
      [COUNT + 2, 'duplicate'],
    ]);
    expect(report.mismatches[0]?.detail).toMatch(/^CODE_NOT_ALLOCATED: /);
    expect(report.mismatches[1]?.detail).toMatch(/^DUPLICATE: .* is also source item 1$/);
    expect(report.byType.map((row) => row.key).sort()).toEqual([
      'CHECKUP',
      'INPATIENT',
      'INTERNET',
      'OUTPATIENT',
      'REGISTRATION',
    ]);
    const daysDiffering = report.byDay.filter((row) => row.source.count !== row.chain.count);
    expect(daysDiffering.length).toBeLessThanOrEqual(2);
    expect(report.byDay.length).toBeGreaterThanOrEqual(30);
  });

  test('an imported invoice keeps its original issue time and verifies with its printed check code', async () => {
    const clerk = await login('h1.clerk');
    const insurer = await login('insurer.officer');
    const line = lines.find((l) => l.checkCode !== undefined) ?? lines[0]!;
    const { code, number } = line.invoice;
    const res = await fetch(`${API_URL}/invoices/${code}/${number}`, { headers: { authorization: `Bearer ${clerk}` } });
    expect(res.status).toBe(200);
    const invoice = (await res.json()) as { issuedAt: string; migration?: { batchId: string }; status: string };
    expect(invoice.issuedAt).toBe(line.issuedAt);
    expect(invoice.migration?.batchId).toMatch(/^[0-9a-f-]{36}\.\d+$/);
    const pdf = readFileSync(path.join(dir, line.pdf));
    const verified = await verifyViaApi(insurer, { code, number, checkCode: line.checkCode ?? '' }, pdf);
    expect(await verified.json()).toMatchObject({ result: 'authentic', status: 'ISSUED' });
  });
});
