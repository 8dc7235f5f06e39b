import { randomUUID } from 'node:crypto';
import { InMemoryKeyStore } from '../keys/in-memory-key-store';
import type { IdempotencyRecordModel } from './idempotency';
import { IdempotencyStore } from './idempotency';

// The store's decisions over an in-memory stand-in for the model; the real database is in test/integration.
type Row = Record<string, unknown>;

function matches(row: Row, filter: Row): boolean {
  return Object.entries(filter).every(([key, value]) =>
    value instanceof Date ? row[key] instanceof Date && row[key].getTime() === value.getTime() : row[key] === value,
  );
}

class FakeIdempotencyModel {
  readonly rows: Row[] = [];

  create(doc: Row): Promise<Row> {
    const duplicate = this.rows.some((r) => r['scope'] === doc['scope'] && r['key'] === doc['key']);
    if (duplicate) return Promise.reject(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }));
    this.rows.push({ ...doc });
    return Promise.resolve(doc);
  }

  findOne(filter: Row) {
    const row = this.rows.find((r) => matches(r, filter));
    return { lean: () => ({ exec: () => Promise.resolve(row === undefined ? null : { ...row }) }) };
  }

  updateOne(filter: Row, update: { $set: Row }) {
    const row = this.rows.find((r) => matches(r, filter));
    if (row) Object.assign(row, update.$set);
    const count = row ? 1 : 0;
    return { exec: () => Promise.resolve({ matchedCount: count, modifiedCount: count }) };
  }

  findOneAndUpdate(filter: Row, update: { $set: Row }) {
    const row = this.rows.find((r) => matches(r, filter));
    const before = row === undefined ? null : { ...row };
    if (row) Object.assign(row, update.$set);
    return { lean: () => ({ exec: () => Promise.resolve(before) }) };
  }

  deleteOne(filter: Row) {
    const index = this.rows.findIndex((r) => matches(r, filter));
    if (index >= 0) this.rows.splice(index, 1);
    return { exec: () => Promise.resolve({ deletedCount: index >= 0 ? 1 : 0 }) };
  }
}

function store(staleAfterMs = 60_000): {
  model: FakeIdempotencyModel;
  keys: InMemoryKeyStore;
  idempotency: IdempotencyStore;
} {
  const model = new FakeIdempotencyModel();
  const keys = new InMemoryKeyStore();
  return {
    model,
    keys,
    idempotency: new IdempotencyStore(model as unknown as IdempotencyRecordModel, keys, { staleAfterMs }),
  };
}

/** Every string and byte sequence a stored row holds, as one text (to search for secrets). */
function stored(row: Row): string {
  return Object.values(row)
    .map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : JSON.stringify(value)))
    .join('\n');
}

describe('IdempotencyStore', () => {
  it('answers new, in_progress, conflict, then replay with the first result', async () => {
    const { idempotency } = store();
    expect(await idempotency.begin('u', 'k', 'h1')).toEqual({ kind: 'new' });
    expect(await idempotency.begin('u', 'k', 'h1')).toEqual({ kind: 'in_progress' });
    expect(await idempotency.begin('u', 'k', 'h2')).toEqual({ kind: 'conflict' });
    await idempotency.complete('u', 'k', 201, { code: '1', $odd: 'x.y' });
    expect(await idempotency.begin('u', 'k', 'h1')).toEqual({
      kind: 'replay',
      statusCode: 201,
      body: { code: '1', $odd: 'x.y' },
    });
  });

  it('lets an abandoned request start again, and keeps a completed one', async () => {
    const { idempotency } = store();
    await idempotency.begin('u', 'k', 'h');
    await idempotency.abandon('u', 'k');
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({ kind: 'new' });
    await idempotency.complete('u', 'k', 204, undefined);
    await idempotency.abandon('u', 'k');
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({ kind: 'replay', statusCode: 204, body: null });
  });

  it('takes over a stale pending request', async () => {
    const { model, idempotency } = store(1);
    await idempotency.begin('u', 'k', 'h');
    model.rows[0]!['lockedAt'] = new Date(Date.now() - 1000);
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({ kind: 'new' });
  });

  it('hands the transactions a stale attempt submitted to the request that takes it over', async () => {
    const { model, idempotency } = store(60_000);
    await idempotency.begin('u', 'k', 'h');
    await idempotency.recordAttempts('u', 'k', ['tx-1']);
    await idempotency.recordAttempts('u', 'k', ['tx-1', 'tx-2']);
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({ kind: 'in_progress' });
    model.rows[0]!['lockedAt'] = new Date(Date.now() - 120_000);
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({ kind: 'new', earlier: ['tx-1', 'tx-2'] });
    await idempotency.complete('u', 'k', 200, { ok: true });
    await expect(idempotency.recordAttempts('u', 'k', ['tx-3'])).rejects.toMatchObject({
      code: 'IDEMPOTENCY_NOT_PENDING',
    });
    expect(model.rows[0]!['attempts']).toEqual(['tx-1', 'tx-2']);
  });

  it("keeps an attempt's progress sealed, hands it to the request that takes over, and shreds it on completion", async () => {
    const { model, keys, idempotency } = store(60_000);
    await idempotency.begin('u', 'k', 'h');
    await idempotency.recordProgress('u', 'k', { checkCode: '7K3QXP', step: 1 });
    const firstKey = model.rows[0]!['progressKeyId'];
    await idempotency.recordProgress('u', 'k', { checkCode: '7K3QXP', step: 2 });
    const destroyed = (keyId: unknown) => (typeof keyId === 'string' ? keys.describe(keyId)?.destroyedAt : undefined);
    expect(destroyed(firstKey)).toBeInstanceOf(Date);
    expect(stored(model.rows[0]!)).not.toContain('7K3QXP');
    await idempotency.recordAttempts('u', 'k', ['tx-1']);
    model.rows[0]!['lockedAt'] = new Date(Date.now() - 120_000);
    expect(await idempotency.begin('u', 'k', 'h')).toEqual({
      kind: 'new',
      earlier: ['tx-1'],
      progress: { checkCode: '7K3QXP', step: 2 },
    });
    const progressKey = model.rows[0]!['progressKeyId'];
    await idempotency.complete('u', 'k', 201, { done: true });
    expect(model.rows[0]).toMatchObject({ state: 'done', sealedProgress: null, progressKeyId: null });
    expect(destroyed(progressKey)).toBeInstanceOf(Date);
    expect(destroyed(model.rows[0]!['bodyKeyId'])).toBeNull();
    await expect(idempotency.recordProgress('u', 'k', {})).rejects.toMatchObject({ code: 'IDEMPOTENCY_NOT_PENDING' });
  });

  it('refuses to complete a request that is not pending', async () => {
    const { idempotency } = store();
    await expect(idempotency.complete('u', 'k', 200, {})).rejects.toMatchObject({ code: 'IDEMPOTENCY_NOT_PENDING' });
  });

  it('stores the response sealed under a data key of its own, never in clear', async () => {
    const { model, keys, idempotency } = store();
    const response = { code: '31010125', number: '0000000001', checkCode: '7K3QXP', issuingUnit: '青浦区中心医院' };
    await idempotency.begin('clerk1', 'key-0001', 'h');
    await idempotency.complete('clerk1', 'key-0001', 201, response);
    const row = model.rows[0]!;
    expect(row).toMatchObject({ state: 'done', statusCode: 201 });
    expect(row['body']).toBeUndefined();
    expect(Buffer.isBuffer(row['sealedBody'])).toBe(true);
    const text = stored(row);
    for (const secret of ['7K3QXP', 'checkCode', '31010125', Buffer.from('青浦', 'utf8').toString('latin1')]) {
      expect(text).not.toContain(secret);
    }
    const keyId = row['bodyKeyId'];
    expect(typeof keyId === 'string' ? keys.describe(keyId)?.docId : undefined).toMatch(/^idempotency\/[0-9a-f]{64}$/);
    expect(await idempotency.begin('clerk1', 'key-0001', 'h')).toEqual({
      kind: 'replay',
      statusCode: 201,
      body: response,
    });
  });

  it('cannot replay once the response key is destroyed, and destroys the key of a response it could not store', async () => {
    const { model, keys, idempotency } = store();
    await idempotency.begin('u', 'k', 'h');
    await idempotency.complete('u', 'k', 201, { secret: 'x' });
    await keys.destroyDataKey(String(model.rows[0]!['bodyKeyId']));
    await expect(idempotency.begin('u', 'k', 'h')).rejects.toMatchObject({ code: 'KEY_DESTROYED' });

    const created: string[] = [];
    const createDataKey = keys.createDataKey.bind(keys);
    keys.createDataKey = async (docId) => {
      const key = await createDataKey(docId);
      created.push(key.keyId);
      return key;
    };
    await expect(idempotency.complete('u', 'never-begun', 201, {})).rejects.toMatchObject({
      code: 'IDEMPOTENCY_NOT_PENDING',
    });
    expect(created).toHaveLength(1);
    expect(keys.describe(created[0]!)?.destroyedAt).toBeInstanceOf(Date);
  });

  it('reports records it did not write as corrupt', async () => {
    const { model, idempotency } = store();
    const base = { scope: 'u', key: 'k', requestHash: 'h' };
    const sealed = Buffer.alloc(68);
    const corrupt = [
      { ...base, state: 'failed' },
      { ...base, state: 'pending' },
      { ...base, state: 'done', sealedBody: sealed, bodyKeyId: randomUUID() },
      { ...base, state: 'done', statusCode: 200, bodyKeyId: randomUUID() },
      { ...base, state: 'done', statusCode: 200, body: '{}' },
      { ...base, state: 'done', statusCode: 200, sealedBody: sealed, bodyKeyId: 'k' },
      { scope: 'u', key: 'k', state: 'done' },
    ];
    for (const row of corrupt) {
      model.rows.splice(0, model.rows.length, row);
      await expect(idempotency.begin('u', 'k', 'h')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
    }
  });
});
