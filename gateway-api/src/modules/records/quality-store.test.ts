import mongoose from 'mongoose';
import { dailyQualityModel, qualityErrorModel } from './quality-model';
import { ERROR_ID, InMemoryQualityStore, cstDay, newErrorId, type QualityError } from './quality-store';

const AT = new Date('2026-11-30T08:00:00.000Z');

function error(id: string, org = 'Hospital1MSP'): QualityError {
  return {
    id,
    org,
    submittedBy: 'h1.clerk',
    submittedAt: AT,
    batchIndex: 0,
    entry: { recordId: 'R-1', classification: 9 },
    violations: [{ rule: 'CLASSIFICATION_RANGE', field: 'classification', message: 'classification must be ...' }],
    status: 'OPEN',
    resolution: null,
  };
}

describe('error ids and days', () => {
  it('makes 24-hex ids that grow with time and sequence', () => {
    const a = newErrorId(AT, 1);
    const b = newErrorId(AT, 2);
    const c = newErrorId(new Date(AT.getTime() + 1), 0);
    expect(a).toMatch(ERROR_ID);
    expect([c, b, a].sort()).toEqual([a, b, c]);
  });

  it('counts days in China Standard Time', () => {
    expect(cstDay(new Date('2026-11-30T15:59:59.999Z'))).toBe('2026-11-30');
    expect(cstDay(new Date('2026-11-30T16:00:00.000Z'))).toBe('2026-12-01');
  });
});

describe('the in-memory error store', () => {
  it("lists an organisation's errors newest first, paged, by status", async () => {
    const store = new InMemoryQualityStore();
    const ids = [1, 2, 3, 4, 5].map((n) => newErrorId(AT, n));
    await store.addErrors([...ids.map((id) => error(id)), error(newErrorId(AT, 9), 'Hospital2MSP')]);
    const first = await store.listErrors('Hospital1MSP', { limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual([ids[4], ids[3]]);
    const second = await store.listErrors('Hospital1MSP', { limit: 2, after: first.next ?? '' });
    expect(second.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const last = await store.listErrors('Hospital1MSP', { limit: 2, after: second.next ?? '' });
    expect(last).toEqual({ items: [expect.objectContaining({ id: ids[0] })], next: null });
    expect((await store.listErrors('Hospital2MSP', { limit: 10 })).items).toHaveLength(1);
  });

  it('resolves an open error once, for its own organisation only', async () => {
    const store = new InMemoryQualityStore();
    const id = newErrorId(AT, 1);
    await store.addErrors([error(id)]);
    const resolution = { at: AT, by: 'h1.clerk', recordId: 'R-1', batchId: 'tx1' };
    expect(await store.getError('Hospital2MSP', id)).toBeUndefined();
    expect(await store.resolve('Hospital2MSP', id, resolution)).toBe(false);
    expect(await store.resolve('Hospital1MSP', id, resolution)).toBe(true);
    expect(await store.resolve('Hospital1MSP', id, resolution)).toBe(false);
    expect((await store.getError('Hospital1MSP', id))?.status).toBe('RESOLVED');
    expect((await store.listErrors('Hospital1MSP', { limit: 5, status: 'OPEN' })).items).toEqual([]);
  });

  it('adds up counts per organisation and day, within the period', async () => {
    const store = new InMemoryQualityStore();
    await store.count('Hospital1MSP', '2026-11-29', 3, 1);
    await store.count('Hospital1MSP', '2026-11-29', 2, 0);
    await store.count('Hospital2MSP', '2026-11-30', 0, 4);
    await store.count('Hospital1MSP', '2026-12-01', 1, 0);
    expect(await store.daily(undefined, '2026-11-29', '2026-11-30')).toEqual([
      { org: 'Hospital1MSP', day: '2026-11-29', accepted: 5, rejected: 1 },
      { org: 'Hospital2MSP', day: '2026-11-30', accepted: 0, rejected: 4 },
    ]);
    expect(await store.daily('Hospital2MSP', '2026-11-01', '2026-12-31')).toHaveLength(1);
  });
});

describe('the error store models', () => {
  // Schema rules and indexes only; reads and writes against the real database are in tests/integration.
  const connection = mongoose.createConnection();
  afterAll(async () => {
    await connection.close();
  });

  it('keeps rejected entries in record_quality_errors, found by organisation, status and id', async () => {
    const model = qualityErrorModel(connection);
    expect(model.collection.collectionName).toBe('record_quality_errors');
    expect(model.schema.indexes().map(([keys]) => keys)).toEqual([
      { org: 1, status: 1, _id: -1 },
      { org: 1, _id: -1 },
    ]);
    const { id, ...rest } = error(newErrorId(AT, 1));
    await new model({ _id: id, ...rest }).validate();
    await expect(new model({ _id: id, ...rest, status: 'LOST' }).validate()).rejects.toThrow(/status/);
    await expect(
      new model({ _id: id, ...rest, violations: [{ rule: 'NO_SUCH_RULE', field: 'x', message: 'y' }] }).validate(),
    ).rejects.toThrow(/rule/);
  });

  it('keeps daily counts in record_quality_daily, found by day and organisation', () => {
    const model = dailyQualityModel(connection);
    expect(model.collection.collectionName).toBe('record_quality_daily');
    expect(model.schema.indexes().map(([keys]) => keys)).toEqual([
      { day: 1, org: 1 },
      { org: 1, day: 1 },
    ]);
  });
});
