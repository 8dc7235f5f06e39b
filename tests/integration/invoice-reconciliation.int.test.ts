/**
 * Reconciliation as a job against the running consortium, FerretDB and Kubo:
 * - a job left running by a stopped gateway runs again when a gateway starts;
 * - a finished report outlives the gateway that made it;
 * - ciphertext pinned in Kubo that nothing in the database refers to (what a crash inside
 *   putDocument leaves) is listed once it stayed unreferenced for the grace period, and unpinned
 *   on request, while the CIDs of issued invoices, and a CID named in any other collection (a
 *   record's sealed content), are never listed;
 * - unpinning also destroys the data keys nothing names that are older than the grace period,
 *   and no key of an issued invoice.
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
  orphans?: { orphans: { cid: string }[]; withinGrace: number; orphanKeys?: number };
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

interface ProbeContent {
  _id: string;
  recordId: string;
  document: { cid: string; sm3: string; keyId: string; size: number };
}

async function database(): Promise<mongoose.Connection> {
  const uri = process.env['GATEWAY_MONGODB_URI'];
  if (uri === undefined) throw new Error('GATEWAY_MONGODB_URI is not set');
  return mongoose.createConnection(uri).asPromise();
}

/**
 * Names `cid` the way a record's sealed content does, and adds a data key that nothing names,
 * made two hours ago (what a crash inside putDocument leaves in the key store); answers its id.
 */
async function referenceAndOrphanKey(cid: string): Promise<{ keyId: string; contentId: string }> {
  const connection = await database();
  const keyId = randomUUID();
  const contentId = `reconciliation-probe-${randomUUID()}`;
  try {
    await connection.collection('data_keys').insertOne({
      keyId,
      docId: 'reconciliation-probe/orphan',
      kekId: 'probe',
      wrapped: randomBytes(48),
      createdAt: new Date(Date.now() - 2 * 3_600_000),
    });
    await connection.collection<ProbeContent>('record_contents').insertOne({
      _id: contentId,
      recordId: contentId,
      document: { cid, sm3: '0'.repeat(64), keyId: randomUUID(), size: 1 },
    });
  } finally {
    await connection.close();
  }
  return { keyId, contentId };
}

/** Whether each key is still live, and removes the probe content. */
async function keysLive(keyIds: string[], contentId: string): Promise<boolean[]> {
  const connection = await database();
  try {
    await connection.collection<ProbeContent>('record_contents').deleteOne({ _id: contentId });
    const keys = connection.collection('data_keys');
    return await Promise.all(keyIds.map(async (keyId) => (await keys.findOne({ keyId, destroyedAt: null })) !== null));
  } finally {
    await connection.close();
  }
}

/** The data key ids of an invoice's stored documents. */
async function invoiceKeyIds(code: string, number: string): Promise<string[]> {
  const connection = await database();
  try {
    type Refs = { pdf: { keyId: string }; data: { keyId: string } };
    const record = await connection.collection<Refs>('invoice_records').findOne({ code, number });
    expect(record).not.toBeNull();
    return [record?.pdf.keyId ?? '', record?.data.keyId ?? ''];
  } finally {
    await connection.close();
  }
}

/** Writes a job as a gateway leaves it when it stops in the middle of the comparison. */
async function interruptedJob(): Promise<string> {
  const connection = await database();
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
    const referencedElsewhere = await pinOrphan();
    const probe = await referenceAndOrphanKey(referencedElsewhere);
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
    expect(listed).not.toContain(referencedElsewhere);
    expect(job.orphans?.orphanKeys).toBeGreaterThanOrEqual(1);
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
    const unpinned = (await unpin.json()) as { unpinned: string[]; keysDestroyed: string[] };
    expect(unpinned.unpinned).toContain(orphan);
    expect(unpinned.keysDestroyed).toContain(probe.keyId);
    expect(await isPinned(orphan)).toBe(false);
    expect(await isPinned(String(invoice['pdfCid']))).toBe(true);
    expect(await isPinned(referencedElsewhere)).toBe(true);
    const invoiceKeys = await invoiceKeyIds(id.code, id.number);
    expect(await keysLive([probe.keyId, ...invoiceKeys], probe.contentId)).toEqual([false, true, true]);
  });
});
