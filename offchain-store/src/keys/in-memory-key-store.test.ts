import { OffchainError } from '../errors';
import { InMemoryKeyStore } from './in-memory-key-store';

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    return error instanceof OffchainError ? error.code : 'OTHER';
  }
  return undefined;
}

describe('InMemoryKeyStore', () => {
  it('creates a fresh 32-byte key with a UUID per call', async () => {
    const store = new InMemoryKeyStore();
    const a = await store.createDataKey('doc-1');
    const b = await store.createDataKey('doc-1');
    expect(a.key).toHaveLength(32);
    expect(a.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.key.equals(b.key)).toBe(false);
    expect((await store.getDataKey(a.keyId)).equals(a.key)).toBe(true);
    expect(store.describe(a.keyId)).toEqual({ docId: 'doc-1', destroyedAt: null });
  });

  it('returns copies the caller may zero', async () => {
    const store = new InMemoryKeyStore();
    const { keyId, key } = await store.createDataKey('doc');
    const original = Buffer.from(key);
    key.fill(0);
    (await store.getDataKey(keyId)).fill(0);
    expect((await store.getDataKey(keyId)).equals(original)).toBe(true);
  });

  it('destroys keys idempotently and then refuses them', async () => {
    const store = new InMemoryKeyStore();
    const { keyId } = await store.createDataKey('doc');
    await store.destroyDataKey(keyId);
    await store.destroyDataKey(keyId);
    expect(await codeOf(store.getDataKey(keyId))).toBe('KEY_DESTROYED');
    expect(store.describe(keyId)?.destroyedAt).toBeInstanceOf(Date);
  });

  it('reports unknown and malformed ids', async () => {
    const store = new InMemoryKeyStore();
    expect(await codeOf(store.getDataKey('00000000-0000-4000-8000-000000000000'))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(store.destroyDataKey('00000000-0000-4000-8000-000000000000'))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(store.getDataKey('not-a-uuid'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(store.createDataKey(''))).toBe('INVALID_ARGUMENT');
  });
});
