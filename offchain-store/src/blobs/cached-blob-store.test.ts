import { CachedBlobStore } from './cached-blob-store';
import { InMemoryBlobStore } from './in-memory-blob-store';

/** An in-memory store that counts the reads reaching it. */
class CountingStore extends InMemoryBlobStore {
  reads = 0;

  override get(cid: string): Promise<Uint8Array> {
    this.reads += 1;
    return super.get(cid);
  }
}

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('CachedBlobStore', () => {
  it('answers a kept blob without reading the store, as a copy the caller may change', async () => {
    const inner = new CountingStore();
    const cached = new CachedBlobStore(inner);
    const cid = await cached.put(bytes(100, 1));
    const first = await cached.get(cid);
    first.fill(9);
    expect(Buffer.from(await cached.get(cid)).equals(bytes(100, 1))).toBe(true);
    expect(inner.reads).toBe(0);
  });

  it('keeps what it read, and forgets the least recently used beyond its size', async () => {
    const inner = new CountingStore();
    const [a, b, c] = [await inner.put(bytes(40, 1)), await inner.put(bytes(40, 2)), await inner.put(bytes(40, 3))];
    const cached = new CachedBlobStore(inner, { maxBytes: 100 });
    await cached.get(a);
    await cached.get(b);
    await cached.get(a);
    await cached.get(c);
    expect(cached.size).toBe(80);
    expect(inner.reads).toBe(3);
    await cached.get(a);
    expect(inner.reads).toBe(3);
    await cached.get(b);
    expect(inner.reads).toBe(4);
  });

  it('never keeps a blob over the entry limit, and nothing with a size of 0', async () => {
    const inner = new CountingStore();
    const big = await inner.put(bytes(200, 1));
    const limited = new CachedBlobStore(inner, { maxEntryBytes: 100 });
    await limited.get(big);
    await limited.get(big);
    expect(inner.reads).toBe(2);
    const none = new CachedBlobStore(inner, { maxBytes: 0 });
    const small = await none.put(bytes(10, 1));
    await none.get(small);
    expect({ reads: inner.reads, size: none.size }).toEqual({ reads: 3, size: 0 });
  });

  it('forgets an unpinned blob and passes the unpin on', async () => {
    const inner = new CountingStore();
    const cached = new CachedBlobStore(inner);
    const cid = await cached.put(bytes(10, 1));
    await cached.unpin(cid);
    expect(cached.size).toBe(0);
    await expect(cached.get(cid)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
  });

  it('refuses a negative or fractional size', () => {
    const inner = new InMemoryBlobStore();
    expect(() => new CachedBlobStore(inner, { maxBytes: -1 })).toThrow('maxBytes');
    expect(() => new CachedBlobStore(inner, { maxEntryBytes: 1.5 })).toThrow('maxEntryBytes');
  });
});
