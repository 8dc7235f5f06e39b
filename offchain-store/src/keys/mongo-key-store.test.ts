import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { OffchainError } from '../errors';
import { dataKeyModel } from './data-key-model';
import { MongoKeyStore } from './mongo-key-store';

// Behaviour against a real database is covered by test/integration; here only what needs none.
describe('MongoKeyStore (no database)', () => {
  const connection = mongoose.createConnection();
  afterAll(async () => {
    await connection.close();
  });

  it('requires a 32-byte KEK and a kekId', () => {
    const model = dataKeyModel(connection);
    expect(() => new MongoKeyStore(model, { kekId: 'k1', key: randomBytes(16) })).toThrow(OffchainError);
    expect(() => new MongoKeyStore(model, { kekId: '', key: randomBytes(32) })).toThrow(OffchainError);
    expect(new MongoKeyStore(model, { kekId: 'k1', key: randomBytes(32) }).kekId).toBe('k1');
  });

  it('registers the DataKey model once per connection', () => {
    expect(dataKeyModel(connection)).toBe(dataKeyModel(connection));
    expect(dataKeyModel(connection).collection.collectionName).toBe('data_keys');
  });

  it('validates ids before touching the database', async () => {
    const store = MongoKeyStore.forConnection(connection, { kekId: 'k1', key: randomBytes(32) });
    await expect(store.getDataKey('nope')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.destroyDataKey('nope')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.createDataKey('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('has a schema that can only hold the wrapped key', () => {
    const paths = Object.keys(dataKeyModel(connection).schema.paths).sort();
    expect(paths).toEqual(['_id', 'createdAt', 'destroyedAt', 'docId', 'kekId', 'keyId', 'wrapped']);
  });
});
