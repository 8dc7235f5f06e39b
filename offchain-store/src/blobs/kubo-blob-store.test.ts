import { createKuboClient, KuboBlobStore } from './kubo-blob-store';
import type { KuboClientLike } from './kubo-blob-store';

type AddOptions = Parameters<KuboClientLike['add']>[1];

/** A stand-in for the Kubo RPC client that records calls. */
class FakeKubo implements KuboClientLike {
  readonly added: Array<{ data: Uint8Array; options: AddOptions }> = [];
  chunks: Uint8Array[] = [];
  failWith: Error | undefined;

  async add(data: Uint8Array, options: AddOptions): Promise<{ cid: { toString(): string } }> {
    if (this.failWith) throw this.failWith;
    this.added.push({ data, options });
    return { cid: { toString: () => 'bafkreitestcid' } };
  }

  async *cat(): AsyncIterable<Uint8Array> {
    if (this.failWith) throw this.failWith;
    for (const chunk of this.chunks) yield chunk;
  }

  async version(): Promise<unknown> {
    if (this.failWith) throw this.failWith;
    return { version: '0.42.0' };
  }

  readonly unpinned: string[] = [];
  pin = {
    rm: async (cid: string): Promise<unknown> => {
      if (this.failWith) throw this.failWith;
      this.unpinned.push(cid);
      return cid;
    },
  };
}

describe('KuboBlobStore', () => {
  it('adds with CIDv1 and pinning, and returns the CID text', async () => {
    const kubo = new FakeKubo();
    const store = new KuboBlobStore(kubo);
    expect(await store.put(Buffer.from('sealed'))).toBe('bafkreitestcid');
    expect(kubo.added[0]?.options).toMatchObject({ cidVersion: 1, pin: true });
    expect(kubo.added[0]?.options.signal).toBeInstanceOf(AbortSignal);
  });

  it('concatenates cat chunks', async () => {
    const kubo = new FakeKubo();
    kubo.chunks = [Buffer.from('ab'), Buffer.from(''), Buffer.from('cde')];
    const bytes = await new KuboBlobStore(kubo).get('bafkreitestcid');
    expect(Buffer.from(bytes).toString()).toBe('abcde');
  });

  it('enforces the size limit on put and get', async () => {
    const kubo = new FakeKubo();
    kubo.chunks = [Buffer.alloc(6), Buffer.alloc(6)];
    const store = new KuboBlobStore(kubo, { maxBytes: 10 });
    await expect(store.get('bafkreitestcid')).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    await expect(store.put(Buffer.alloc(11))).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
  });

  it('accepts only bare CIDs', async () => {
    const store = new KuboBlobStore(new FakeKubo());
    await expect(store.get('/ipns/example.com')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.get('bafy/../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.get('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('classifies failures', async () => {
    const kubo = new FakeKubo();
    const store = new KuboBlobStore(kubo);
    kubo.failWith = new Error('block was not found locally (offline): ipld: could not find bafk');
    await expect(store.get('bafkreitestcid')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    kubo.failWith = new TypeError('fetch failed');
    await expect(store.put(Buffer.from('x'))).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    await expect(store.ping()).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    const timeout = new Error('The operation was aborted due to timeout');
    timeout.name = 'TimeoutError';
    kubo.failWith = timeout;
    await expect(store.ping()).rejects.toThrow('timed out');
    kubo.failWith = undefined;
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('unpins, takes "not pinned" as done and reports other failures', async () => {
    const kubo = new FakeKubo();
    const store = new KuboBlobStore(kubo);
    await store.unpin('bafkreitestcid');
    expect(kubo.unpinned).toEqual(['bafkreitestcid']);
    kubo.failWith = new Error('not pinned or pinned indirectly');
    await expect(store.unpin('bafkreitestcid')).resolves.toBeUndefined();
    kubo.failWith = new TypeError('fetch failed');
    await expect(store.unpin('bafkreitestcid')).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    await expect(store.unpin('/ipfs/x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('validates options', () => {
    expect(() => new KuboBlobStore(new FakeKubo(), { timeoutMs: 0 })).toThrow('INVALID_ARGUMENT');
    expect(() => new KuboBlobStore(new FakeKubo(), { maxBytes: 1.5 })).toThrow('INVALID_ARGUMENT');
  });
});

describe('createKuboClient', () => {
  it('loads the ESM-only kubo-rpc-client with a native dynamic import (no network call)', async () => {
    const client = await createKuboClient('http://127.0.0.1:1');
    expect(typeof client.add).toBe('function');
    expect(typeof client.cat).toBe('function');
    expect(typeof client.version).toBe('function');
  });

  it('keeps import() native in the module source', () => {
    // ts-jest emits what tsc emits for module node16; a require() here would break ESM loading.
    expect(createKuboClient.toString()).toContain("import('kubo-rpc-client')");
  });

  it('fails with BLOB_STORE_UNAVAILABLE when the node is unreachable', async () => {
    const store = await KuboBlobStore.connect('http://127.0.0.1:1', { timeoutMs: 2000 });
    await expect(store.ping()).rejects.toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
  });
});
