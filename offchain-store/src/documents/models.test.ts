import mongoose from 'mongoose';
import { InMemoryKeyStore } from '../keys/in-memory-key-store';
import { createOffchainDocuments } from '.';
import { idempotencyRecordModel } from './idempotency';

// Schema rules only; reads and writes against a real server are in test/integration.
const connection = mongoose.createConnection();
afterAll(async () => {
  await connection.close();
});

describe('IdempotencyRecord model', () => {
  it('has the unique (scope, key) index', () => {
    const indexes = idempotencyRecordModel(connection).schema.indexes();
    expect(indexes).toContainEqual([{ scope: 1, key: 1 }, expect.objectContaining({ unique: true })]);
  });

  it('only knows the states pending and done', () => {
    const model = idempotencyRecordModel(connection);
    const error = new model({ scope: 'u', key: 'k', requestHash: 'h', state: 'failed' }).validateSync();
    expect(Object.keys(error?.errors ?? {})).toEqual(['state']);
  });
});

describe('createOffchainDocuments', () => {
  it('binds the models and helpers to one connection', async () => {
    const documents = createOffchainDocuments(connection, new InMemoryKeyStore());
    expect(documents.idempotencyRecords).toBe(idempotencyRecordModel(connection));
    await expect(documents.beginIdempotent('', 'k', 'h')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(documents.completeIdempotent('u', 'k', 42, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(documents.completeIdempotent('u', 'k', 200, { n: 1n })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(documents.abandonIdempotent('u', '')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
