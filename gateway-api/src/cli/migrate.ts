/**
 * Imports a hospital's historic invoices through the REST API: reads the manifest, creates (or
 * finds again) the job of this source, sends the items in chunks, runs the job, follows its
 * progress on stderr, and writes the reconciliation report (JSON, and a readable summary beside it).
 * Interrupted, the same command continues the same job.
 * Usage: see USAGE in migrate-args.ts.
 */
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { jobResponseSchema, reportResponseSchema, type JobResponse, type MigrationReport } from '../modules/migration';
import { parseMigrateArgs, USAGE, UsageError, type MigrateOptions } from './migrate-args';
import { readSource, requestItem, type Source, type SourceLine } from './migrate-source';
import { ProgressLine } from './progress';
import { summarise } from './migrate-summary';

/** The largest JSON body sent: under the API's 1 MB limit with room to spare. */
const MAX_REQUEST_BYTES = 900 * 1024;
const POLL_MS = 1_000;
const RETRIES = 6;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Api {
  private token = '';

  constructor(private readonly options: MigrateOptions) {}

  async login(): Promise<void> {
    const res = await fetch(`${this.options.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.options.user, password: this.options.password }),
    });
    if (res.status !== 200) throw new Error(`login refused: HTTP ${res.status} ${await res.text()}`);
    this.token = z.object({ token: z.string() }).parse(await res.json()).token;
  }

  /** One request, retried while the API is unreachable or answers 503/429; logs in again on 401. */
  async call<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(method, path, body).catch((err: unknown) => {
        if (attempt >= RETRIES) throw err;
        return undefined;
      });
      const last = attempt >= RETRIES;
      if (res?.status === 401 && !last) {
        await this.login();
      } else if (res !== undefined && res.status !== 503 && res.status !== 429) {
        const text = await res.text();
        if (res.status >= 400) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
        return { status: res.status, body: schema.parse(JSON.parse(text)) };
      } else if (last) {
        throw new Error(`${method} ${path}: the API is unavailable`);
      } else {
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  private send(method: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${this.options.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
}

/** Lines in chunks of at most `chunk` items and MAX_REQUEST_BYTES. */
async function* chunks(source: Source, lines: readonly SourceLine[], chunk: number) {
  let items: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const line of lines) {
    const item = await requestItem(source, line);
    const size = JSON.stringify(item).length;
    if (items.length > 0 && (items.length >= chunk || bytes + size > MAX_REQUEST_BYTES)) {
      yield items;
      items = [];
      bytes = 0;
    }
    items.push(item);
    bytes += size;
  }
  if (items.length > 0) yield items;
}

function describeCounts(job: JobResponse): string {
  const { stored, anchored, recorded, refused } = job.counts;
  return `stored ${stored + anchored + recorded}, on chain ${anchored + recorded}, refused ${refused}`;
}

async function upload(api: Api, job: JobResponse, source: Source, options: MigrateOptions, progress: ProgressLine) {
  const results = z.object({ results: z.array(z.object({ seq: z.number(), state: z.string() })) });
  const total = source.lines.length;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  for await (const items of chunks(source, source.lines, options.chunk)) {
    const request = api.call('POST', `/migrations/${job.id}/items`, results, { items }).then(() => {
      sent += items.length;
      progress.update({ phase: 'sending', done: sent, total, detail: '' });
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request)).catch(() => undefined);
    if (inFlight.size >= options.parallel) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  progress.update({ phase: 'sending', done: sent, total, detail: '' }, true);
}

async function follow(api: Api, jobId: string, progress: ProgressLine): Promise<JobResponse> {
  for (;;) {
    const { body: job } = await api.call('GET', `/migrations/${jobId}`, jobResponseSchema);
    const done = job.counts.recorded + job.counts.refused;
    progress.update({ phase: 'importing', done, total: job.counts.total, detail: describeCounts(job) }, job.done);
    if (job.done) return job;
    if (job.state === 'failed') throw new Error(`the job stopped: ${job.lastError}`);
    await sleep(POLL_MS);
  }
}

async function main(options: MigrateOptions): Promise<void> {
  const source = await readSource(options.manifest);
  const api = new Api(options);
  await api.login();
  const progress = new ProgressLine(process.stderr);
  const created = await api.call('POST', '/migrations', jobResponseSchema, {
    sourceId: source.sourceId,
    description: `${source.lines.length} invoices from ${options.manifest.split('/').slice(-2).join('/')}`,
  });
  let job = created.body;
  process.stderr.write(`${created.status === 201 ? 'new job' : 'continuing job'} ${job.id}: ${describeCounts(job)}\n`);
  if (!job.sealed) await upload(api, job, source, options, progress);
  job = (await api.call('POST', `/migrations/${job.id}/run`, jobResponseSchema)).body;
  job = await follow(api, job.id, progress);
  progress.finish();
  const { body: report } = await api.call('GET', `/migrations/${job.id}/report`, reportResponseSchema);
  await writeReport(options.report, report);
}

async function writeReport(file: string, report: MigrationReport): Promise<void> {
  const summary = summarise(report);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(file.replace(/\.json$/, '') + '.txt', summary);
  process.stdout.write(summary);
  process.stderr.write(`report: ${file}\n`);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

let options: MigrateOptions;
try {
  options = parseMigrateArgs(process.argv.slice(2), isDirectory);
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`${err.message}\n${USAGE}\n`);
  process.exit(2);
}
main(options).catch((err: unknown) => {
  process.stderr.write(`\nmigration stopped: ${err instanceof Error ? err.message : String(err)}\n`);
  process.stderr.write('run the same command again to continue\n');
  process.exit(1);
});
