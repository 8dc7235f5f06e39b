import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import {
  connectOffchain,
  createOffchainDocuments,
  DATA_KEY_COLLECTION,
  ENVELOPE_MIN_BYTES,
  OffchainError,
  purgePlaintextReplays,
  sm3Hex,
} from '../../src';
import type { OffchainStore } from '../../src';
import { integrationEnv, kuboHttpBase } from './env';

const env = integrationEnv();
const RUN = `it-${Date.now()}-${randomBytes(4).toString('hex')}`;
const PAYER_ID = '310101198001011234';
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'),
  Buffer.from(`1 0 obj << /Payer (Zhang San) /Id (${PAYER_ID}) >> endobj\n`.repeat(200)),
  randomBytes(4096),
  Buffer.from('%%EOF\n'),
]);

let store: OffchainStore;

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    return error instanceof OffchainError ? error.code : `OTHER ${String(error)}`;
  }
  return undefined;
}

function opensslSm3(bytes: Buffer): string {
  const run = spawnSync('openssl', ['dgst', '-sm3'], { input: bytes });
  if (run.status !== 0) throw new Error(run.stderr.toString());
  const match = /([0-9a-f]{64})\s*$/i.exec(run.stdout.toString());
  return (match?.[1] ?? '').toLowerCase();
}

async function rawDataKey(keyId: string): Promise<Record<string, unknown> | null> {
  const db = store.connection.db;
  if (db === undefined) throw new Error('not connected');
  return db.collection(DATA_KEY_COLLECTION).findOne({ keyId });
}

beforeAll(async () => {
  store = await connectOffchain({
    mongodbUri: env.mongodbUri,
    ipfsApiUrl: env.ipfsApiUrl,
    kekHex: randomBytes(32).toString('hex'),
  });
});

afterAll(async () => {
  if (store === undefined) return;
  await store.documents.idempotencyRecords.deleteMany({ scope: new RegExp(`^${RUN}`) }).exec();
  await store.connection.db?.collection(DATA_KEY_COLLECTION).deleteMany({ docId: new RegExp(`^${RUN}`) });
  await store.close();
});

describe('health', () => {
  it('reports both dependencies up', async () => {
    await expect(store.ping()).resolves.toEqual({ database: 'up', ipfs: 'up', detail: { database: 'ok', ipfs: 'ok' } });
  });

  it('reports IPFS down when the node cannot be reached', async () => {
    const other = await connectOffchain({
      mongodbUri: env.mongodbUri,
      ipfsApiUrl: 'http://127.0.0.1:1',
      kekHex: randomBytes(32).toString('hex'),
      pingTimeoutMs: 2000,
    });
    try {
      const health = await other.ping();
      expect(health.database).toBe('up');
      expect(health.ipfs).toBe('down');
      expect(health.detail.ipfs).not.toBe('ok');
    } finally {
      await other.close();
    }
  });
});

describe('secure documents in IPFS', () => {
  it('stores only ciphertext in IPFS and reads the original back', async () => {
    const stored = await store.files.putDocument(`${RUN}:pdf`, PDF);
    expect(stored.cid).toMatch(/^b[a-z2-7]+$/); // CIDv1, base32
    expect(stored.size).toBe(PDF.length);

    const raw = Buffer.from(await store.blobs.get(stored.cid));
    expect(raw.length).toBeGreaterThanOrEqual(ENVELOPE_MIN_BYTES);
    expect(raw.equals(PDF)).toBe(false);
    expect(raw.includes(Buffer.from(PAYER_ID))).toBe(false);
    expect(raw.includes(Buffer.from('Zhang San'))).toBe(false);
    expect(raw.includes(Buffer.from('%PDF'))).toBe(false);

    const back = await store.files.getDocument(stored.keyId, stored.cid, stored.sm3);
    expect(back.equals(PDF)).toBe(true);
  });

  it('pins what it adds', async () => {
    const cid = await store.blobs.put(randomBytes(64));
    const response = await fetch(`${kuboHttpBase(env.ipfsApiUrl)}/api/v0/pin/ls?arg=${cid}&type=recursive`, {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(JSON.stringify(body)).toContain(cid);
  });

  it('records an SM3 digest equal to `openssl dgst -sm3` of the plaintext', async () => {
    const stored = await store.files.putDocument(`${RUN}:pdf-digest`, PDF);
    expect(stored.sm3).toBe(opensslSm3(PDF));
    expect(stored.sm3).toBe(sm3Hex(PDF));
  });

  it('detects a modified copy of the ciphertext', async () => {
    const stored = await store.files.putDocument(`${RUN}:tamper`, PDF);
    const raw = Buffer.from(await store.blobs.get(stored.cid));
    raw[100] = (raw[100] ?? 0) ^ 0x01;
    const forgedCid = await store.blobs.put(raw);
    expect(await codeOf(store.files.getDocument(stored.keyId, forgedCid))).toBe('TAMPERED_CIPHERTEXT');
    expect(await codeOf(store.files.getDocument(stored.keyId, stored.cid, sm3Hex('other')))).toBe('DIGEST_MISMATCH');
  });
});

describe('key store', () => {
  it('keeps only the wrapped data key in the database', async () => {
    const stored = await store.files.putDocument(`${RUN}:keys`, PDF);
    const key = await store.keys.getDataKey(stored.keyId);
    expect(key).toHaveLength(32);

    const raw = await rawDataKey(stored.keyId);
    expect(raw).not.toBeNull();
    expect(raw?.['docId']).toBe(`${RUN}:keys`);
    expect(typeof raw?.['kekId']).toBe('string');
    const bson = Buffer.from(mongoose.mongo.BSON.serialize(raw ?? {}));
    expect(bson.includes(key)).toBe(false);
    expect(bson.includes(key.subarray(0, 16))).toBe(false);
    expect(bson.includes(key.subarray(16))).toBe(false);
    expect(bson.includes(Buffer.from(key.toString('hex')))).toBe(false);
    expect(bson.includes(Buffer.from(key.toString('base64')))).toBe(false);
    // The wrapped form is an envelope around the 32 key bytes.
    const wrapped = raw?.['wrapped'];
    expect(wrapped).toBeInstanceOf(mongoose.mongo.Binary);
    if (wrapped instanceof mongoose.mongo.Binary) {
      expect(Buffer.from(wrapped.buffer).subarray(0, 4).toString()).toBe('HDT1');
      expect(wrapped.buffer.length).toBe(4 + 16 + 48 + 32);
    }
  });

  it('another KEK cannot unwrap the keys', async () => {
    const stored = await store.files.putDocument(`${RUN}:other-kek`, PDF);
    const other = await connectOffchain({
      mongodbUri: env.mongodbUri,
      ipfsApiUrl: env.ipfsApiUrl,
      kekHex: randomBytes(32).toString('hex'),
    });
    try {
      expect(await codeOf(other.files.getDocument(stored.keyId, stored.cid))).toBe('KEK_UNAVAILABLE');
    } finally {
      await other.close();
    }
  });

  it('destroying the key makes the document unreadable (crypto-shredding)', async () => {
    const stored = await store.files.putDocument(`${RUN}:shred`, PDF);
    const ciphertext = Buffer.from(await store.blobs.get(stored.cid));

    await store.keys.destroyDataKey(stored.keyId);
    await store.keys.destroyDataKey(stored.keyId); // idempotent

    expect(await codeOf(store.keys.getDataKey(stored.keyId))).toBe('KEY_DESTROYED');
    expect(await codeOf(store.files.getDocument(stored.keyId, stored.cid))).toBe('KEY_DESTROYED');
    const raw = await rawDataKey(stored.keyId);
    expect(raw).not.toHaveProperty('wrapped');
    expect(raw?.['destroyedAt']).toBeInstanceOf(Date);
    // The ciphertext is still in IPFS, unchanged, but no key can open it any more.
    expect(Buffer.from(await store.blobs.get(stored.cid)).equals(ciphertext)).toBe(true);
  });

  it('reports unknown keys', async () => {
    expect(await codeOf(store.keys.getDataKey('00000000-0000-4000-8000-000000000000'))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(store.keys.destroyDataKey('00000000-0000-4000-8000-000000000000'))).toBe('KEY_NOT_FOUND');
  });
});

describe('idempotency', () => {
  const scope = `${RUN}:user`;

  it('begins, reports in-progress and conflict, then replays the first result', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    const docs = store.documents;
    await expect(docs.beginIdempotent(scope, key, 'hash-a')).resolves.toEqual({ kind: 'new' });
    await expect(docs.beginIdempotent(scope, key, 'hash-a')).resolves.toEqual({ kind: 'in_progress' });
    await expect(docs.beginIdempotent(scope, key, 'hash-b')).resolves.toEqual({ kind: 'conflict' });

    const body = { code: '31011526', number: '0000000001', $odd: { 'a.b': [1, null, 'x'] } };
    await docs.completeIdempotent(scope, key, 201, body);
    const raw = await docs.idempotencyRecords.findOne({ scope, key }).lean().exec();
    expect(raw === null ? undefined : Reflect.get(raw, 'body')).toBeUndefined();
    expect(JSON.stringify(raw)).not.toContain('31011526');
    await expect(docs.beginIdempotent(scope, key, 'hash-a')).resolves.toEqual({
      kind: 'replay',
      statusCode: 201,
      body,
    });
    await expect(docs.beginIdempotent(scope, key, 'hash-b')).resolves.toEqual({ kind: 'conflict' });
    expect(await codeOf(docs.completeIdempotent(scope, key, 500, {}))).toBe('IDEMPOTENCY_NOT_PENDING');
    // Abandon does not remove a completed result.
    await docs.abandonIdempotent(scope, key);
    await expect(docs.beginIdempotent(scope, key, 'hash-a')).resolves.toMatchObject({ kind: 'replay' });
  });

  it('removes records an earlier version stored with the body in clear', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    const now = new Date();
    await store.documents.idempotencyRecords.collection.insertOne({
      scope,
      key,
      requestHash: 'h',
      state: 'done',
      statusCode: 201,
      body: '{"checkCode":"7K3QXP"}',
      createdAt: now,
      lockedAt: now,
    });
    expect(await purgePlaintextReplays(store.documents.idempotencyRecords)).toBeGreaterThanOrEqual(1);
    await expect(store.documents.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'new' });
  });

  it('keeps keys apart per scope', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    await expect(store.documents.beginIdempotent(`${scope}-1`, key, 'h')).resolves.toEqual({ kind: 'new' });
    await expect(store.documents.beginIdempotent(`${scope}-2`, key, 'h')).resolves.toEqual({ kind: 'new' });
  });

  it('lets a failed request be retried after abandon', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    await expect(store.documents.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'new' });
    await store.documents.abandonIdempotent(scope, key);
    await expect(store.documents.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'new' });
    await store.documents.completeIdempotent(scope, key, 204, undefined);
    await expect(store.documents.beginIdempotent(scope, key, 'h')).resolves.toEqual({
      kind: 'replay',
      statusCode: 204,
      body: null,
    });
  });

  it('admits exactly one of many concurrent identical requests', async () => {
    const key = `k-${randomBytes(4).toString('hex')}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, () => store.documents.beginIdempotent(scope, key, 'same')),
    );
    expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in_progress')).toHaveLength(11);
  });

  it('lets the next identical request take over a stale pending attempt', async () => {
    const quick = createOffchainDocuments(store.connection, store.keys, { staleAfterMs: 200 });
    const key = `k-${randomBytes(4).toString('hex')}`;
    await expect(quick.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'new' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(quick.beginIdempotent(scope, key, 'other')).resolves.toEqual({ kind: 'conflict' });
    await expect(quick.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'new' });
    await expect(quick.beginIdempotent(scope, key, 'h')).resolves.toEqual({ kind: 'in_progress' });
  });

  it('hands the transactions and the sealed progress a stale attempt recorded to the request that takes it over', async () => {
    const quick = createOffchainDocuments(store.connection, store.keys, { staleAfterMs: 200 });
    const key = `k-${randomBytes(4).toString('hex')}`;
    await quick.beginIdempotent(scope, key, 'h');
    await quick.recordIdempotentProgress(scope, key, { checkCode: '7K3QXP', cid: 'bafy-1' });
    await quick.recordIdempotentAttempts(scope, key, ['tx-a', 'tx-b']);
    const raw = await quick.idempotencyRecords.collection.findOne({ scope, key });
    expect(JSON.stringify(raw)).not.toContain('7K3QXP');
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(quick.beginIdempotent(scope, key, 'h')).resolves.toEqual({
      kind: 'new',
      earlier: ['tx-a', 'tx-b'],
      progress: { checkCode: '7K3QXP', cid: 'bafy-1' },
    });
    await quick.completeIdempotent(scope, key, 200, { done: true });
    const done = await quick.idempotencyRecords.collection.findOne({ scope, key });
    expect(done).toMatchObject({ state: 'done', sealedProgress: null, progressKeyId: null });
    await expect(quick.beginIdempotent(scope, key, 'h')).resolves.toEqual({
      kind: 'replay',
      statusCode: 200,
      body: { done: true },
    });
    await expect(quick.recordIdempotentAttempts(scope, key, ['tx-c'])).rejects.toMatchObject({
      code: 'IDEMPOTENCY_NOT_PENDING',
    });
  });
});
