import { InMemoryBlobStore } from './in-memory-blob-store';

describe('InMemoryBlobStore', () => {
  it('stores copies by content', async () => {
    const store = new InMemoryBlobStore();
    const bytes = Buffer.from('blob');
    const cid = await store.put(bytes);
    expect(await store.put(Buffer.from('blob'))).toBe(cid);
    bytes.fill(0);
    expect(Buffer.from(await store.get(cid)).toString()).toBe('blob');
    expect(store.size).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('reports missing content and lets tests overwrite', async () => {
    const store = new InMemoryBlobStore();
    await expect(store.get('mem-missing')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    const cid = await store.put(Buffer.from('a'));
    store.overwrite(cid, Buffer.from('b'));
    expect(Buffer.from(await store.get(cid)).toString()).toBe('b');
    expect(() => store.overwrite('mem-missing', Buffer.from('x'))).toThrow('BLOB_NOT_FOUND');
  });
});
