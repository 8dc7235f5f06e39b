/**
 * Reconciliation as a job against the running consortium, FerretDB and Kubo:
 * - a job left running by a stopped gateway runs again when a gateway starts;
 * - a finished report outlives the gateway that made it;
 * - ciphertext pinned in Kubo that nothing in the database refers to (what a crash inside
 *   putDocument leaves) is listed once it stayed unreferenced for the grace period, and unpinned
 *   on request, while the CIDs of issued invoices are never listed.
 * A second gateway process on its own port (same database, same Kubo) stands for a restart; its
 * orphan grace period is 1 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import * as path from 'node:path';
import mongoose from 'mongoose';
import {
  API_URL,
  eventually,
  invoiceData,
  IPFS_API_URL,
  issueViaApi,
  login,
  newInvoiceId,
  ROOT_DIR,
  samplePdf,
  STATE_DIR,
} from './stack';

jest.setTimeout(300_000);

const SECOND_PORT = 18093;
const SECOND_API = `http://127.0.0.1:${SECOND_PORT}/api/v1`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Json = Record<string, unknown>;
interface Job {
  id: string;
  state: string;
  progress: { checked: number; total: number };
  report?: { counts: { records: number } };
  orphans?: { orphans: { cid: string }[]; withinGrace: number };
}

async function ok(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** A gateway on SECOND_PORT over the platform's database and Kubo, orphan grace 1 s. */
async function secondGateway(): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['MONGODB_URI'];
  const database = process.env['GATEWAY_MONGODB_URI'];
  if (database !== undefined) env['MONGODB_URI'] = database;
  const log = openSync(path.join(STATE_DIR, 'logs', 'api-reconciliation.log'), 'w');
  const child = spawn('bash', ['scripts/api.sh', 'run'], {
    cwd: ROOT_DIR,
    env: { ...env, PORT: String(SECOND_PORT), RECONCILE_ORPHAN_GRACE_MS: '1000' },
    stdio: ['ignore', log, log],
  });
  const deadline = Date.now() + 60_000;
  while (!(await ok(`${SECOND_API}/health`))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the second gateway did not start');
    await sleep(300);
  }
  return child;
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function readJob(api: string, token: string, id: string): Promise<Job> {
  const res = await fetch(`${api}/reconciliation/invoices/jobs/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Job;
}

async function completed(api: string, token: string, id: string): Promise<Job> {
  return eventually(
    () => readJob(api, token, id),
    (job) => job.state !== 'running',
    120,
  );
}

async function startJob(api: string, token: string): Promise<Job> {
  const res = await fetch(`${api}/reconciliation/invoices/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ issuer: 'Hospital1MSP' }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Job;
}

/** Ciphertext-like bytes added and pinned the way the blob store adds them, referenced by nothing. */
async function pinOrphan(): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(randomBytes(512))]), 'orphan');
  const res = await fetch(`${IPFS_API_URL}/api/v0/add?cid-version=1&pin=true`, { method: 'POST', body: form });
  expect(res.status).toBe(200);
  return String(((await res.json()) as Json)['Hash']);
}

async function isPinned(cid: string): Promise<boolean> {
  const res = await fetch(`${IPFS_API_URL}/api/v0/pin/ls?arg=${cid}&type=recursive`, { method: 'POST' });
  return res.status === 200;
}

/** Writes a job as a gateway leaves it when it stops in the middle of the comparison. */
async function interruptedJob(): Promise<string> {
  const uri = process.env['GATEWAY_MONGODB_URI'];
  if (uri === undefined) throw new Error('GATEWAY_MONGODB_URI is not set');
  const connection = await mongoose.createConnection(uri).asPromise();
  const id = randomUUID();
  const now = new Date().toISOString();
  try {
    await connection.collection('reconciliation_jobs').insertOne({
      _id: id as unknown as mongoose.Types.ObjectId,
      issuerMsp: 'Hospital1MSP',
      readAs: 'Hospital1MSP',
      requestedBy: 'h1.clerk',
      state: 'running',
      checked: 200,
      total: 400,
      lastError: '',
      createdAt: now,
      updatedAt: now,
    });
  } finally {
    await connection.close();
  }
  return id;
}

describe('reconciliation jobs', () => {
  let second: ChildProcess | undefined;

  afterAll(async () => {
    if (second) await stopped(second);
  });

  test('resumed after a restart, kept after one, listing and unpinning orphaned ciphertext', async () => {
    const [clerk, supervisor] = await Promise.all([login('h1.clerk'), login('hc.supervisor')]);
    const id = newInvoiceId();
    expect((await issueViaApi(clerk, invoiceData(id), samplePdf(`${id.code}-${id.number}`))).status).toBe(201);
    const invoice = (await (
      await fetch(`${API_URL}/invoices/${id.code}/${id.number}`, { headers: { authorization: `Bearer ${clerk}` } })
    ).json()) as Json;
    const orphan = await pinOrphan();
    const interrupted = await interruptedJob();

    second = await secondGateway();
    const resumed = await completed(SECOND_API, clerk, interrupted);
    expect(resumed.state).toBe('completed');
    expect(resumed.progress.checked).toBe(resumed.progress.total);
    expect(resumed.report?.counts.records).toBeGreaterThan(0);

    await sleep(1500);
    const started = await startJob(SECOND_API, supervisor);
    const job = await completed(SECOND_API, supervisor, started.id);
    const listed = job.orphans?.orphans.map((o) => o.cid) ?? [];
    expect(listed).toContain(orphan);
    expect(listed).not.toContain(invoice['pdfCid']);
    expect(listed).not.toContain(invoice['dataCid']);

    await stopped(second);
    second = undefined;
    expect(await readJob(API_URL, supervisor, job.id)).toEqual(job);

    const refused = await fetch(`${API_URL}/reconciliation/invoices/jobs/${job.id}/unpin-orphans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(refused.status).toBe(403);
    expect(await isPinned(orphan)).toBe(true);
    const unpin = await fetch(`${API_URL}/reconciliation/invoices/jobs/${job.id}/unpin-orphans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(unpin.status).toBe(200);
    expect(((await unpin.json()) as { unpinned: string[] }).unpinned).toContain(orphan);
    expect(await isPinned(orphan)).toBe(false);
    expect(await isPinned(String(invoice['pdfCid']))).toBe(true);
  });
});
