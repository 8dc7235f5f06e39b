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

  deleteOne(filter: Row) {
    const index = this.rows.findIndex((r) => matches(r, filter));
    if (index >= 0) this.rows.splice(index, 1);
    return { exec: () => Promise.resolve({ deletedCount: index >= 0 ? 1 : 0 }) };
  }
}

function store(staleAfterMs = 60_000): { model: FakeIdempotencyModel; idempotency: IdempotencyStore } {
  const model = new FakeIdempotencyModel();
  return { model, idempotency: new IdempotencyStore(model as unknown as IdempotencyRecordModel, { staleAfterMs }) };
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

  it('refuses to complete a request that is not pending', async () => {
    const { idempotency } = store();
    await expect(idempotency.complete('u', 'k', 200, {})).rejects.toMatchObject({ code: 'IDEMPOTENCY_NOT_PENDING' });
  });

  it('reports records it did not write as corrupt', async () => {
    const { model, idempotency } = store();
    const base = { scope: 'u', key: 'k', requestHash: 'h' };
    const corrupt = [
      { ...base, state: 'failed' },
      { ...base, state: 'pending' },
      { ...base, state: 'done', body: '{}' },
      { ...base, state: 'done', statusCode: 200 },
      { ...base, state: 'done', statusCode: 200, body: '{' },
      { scope: 'u', key: 'k', state: 'done' },
    ];
    for (const row of corrupt) {
      model.rows.splice(0, model.rows.length, row);
      await expect(idempotency.begin('u', 'k', 'h')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
    }
  });
});
