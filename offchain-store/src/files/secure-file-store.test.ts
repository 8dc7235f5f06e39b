import type { BlobStore } from '../blobs/blob-store';
import { InMemoryBlobStore } from '../blobs/in-memory-blob-store';
import { sm3Hex } from '../crypto/sm3';
import { InMemoryKeyStore } from '../keys/in-memory-key-store';
import { SecureFileStore } from './secure-file-store';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('Payer: Li Si, ID 310101198001011234\n'.repeat(50))]);

function setup(): { blobs: InMemoryBlobStore; keys: InMemoryKeyStore; files: SecureFileStore } {
  const blobs = new InMemoryBlobStore();
  const keys = new InMemoryKeyStore();
  return { blobs, keys, files: new SecureFileStore(blobs, keys) };
}

describe('SecureFileStore', () => {
  it('stores only ciphertext and returns cid, SM3 of the plaintext, keyId and size', async () => {
    const { blobs, files } = setup();
    const stored = await files.putDocument('invoice:12345678:0000000001:pdf', PDF);
    expect(stored.sm3).toBe(sm3Hex(PDF));
    expect(stored.size).toBe(PDF.length);
    const raw = Buffer.from(await blobs.get(stored.cid));
    expect(raw.equals(PDF)).toBe(false);
    expect(raw.includes(Buffer.from('310101198001011234'))).toBe(false);
    expect(raw.includes(Buffer.from('%PDF'))).toBe(false);
    expect(raw.subarray(0, 4).toString()).toBe('HDT1');
  });

  it('returns the original bytes, with and without the expected digest', async () => {
    const { files } = setup();
    const stored = await files.putDocument('doc', PDF);
    expect((await files.getDocument(stored.keyId, stored.cid)).equals(PDF)).toBe(true);
    expect((await files.getDocument(stored.keyId, stored.cid, stored.sm3)).equals(PDF)).toBe(true);
  });

  it('takes a string as UTF-8', async () => {
    const { files } = setup();
    const text = '{"payer":{"name":"王五"}}';
    const stored = await files.putDocument('doc', text);
    expect(stored.sm3).toBe(sm3Hex(Buffer.from(text, 'utf8')));
    expect((await files.getDocument(stored.keyId, stored.cid)).toString('utf8')).toBe(text);
  });

  it('uses a fresh data key for every document', async () => {
    const { blobs, files } = setup();
    const a = await files.putDocument('doc', PDF);
    const b = await files.putDocument('doc', PDF);
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.cid).not.toBe(b.cid);
    expect(blobs.size).toBe(2);
    await expect(files.getDocument(a.keyId, b.cid)).rejects.toMatchObject({ code: 'TAMPERED_CIPHERTEXT' });
  });

  it('detects a modified blob', async () => {
    const { blobs, files } = setup();
    const stored = await files.putDocument('doc', PDF);
    const raw = Buffer.from(await blobs.get(stored.cid));
    raw[40] = (raw[40] ?? 0) ^ 0x10;
    blobs.overwrite(stored.cid, raw);
    await expect(files.getDocument(stored.keyId, stored.cid)).rejects.toMatchObject({ code: 'TAMPERED_CIPHERTEXT' });
  });

  it('checks the expected digest', async () => {
    const { files } = setup();
    const stored = await files.putDocument('doc', PDF);
    await expect(files.getDocument(stored.keyId, stored.cid, sm3Hex('other'))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    await expect(files.getDocument(stored.keyId, stored.cid, 'ABC')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('makes a document unreadable once its key is destroyed (crypto-shredding)', async () => {
    const { blobs, files } = setup();
    const stored = await files.putDocument('doc', PDF);
    await files.destroyDocument(stored.keyId);
    await expect(files.getDocument(stored.keyId, stored.cid)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
    // The ciphertext may still exist in IPFS, but nothing can open it any more.
    expect((await blobs.get(stored.cid)).length).toBeGreaterThan(PDF.length);
  });

  it('discards a document: key destroyed, blob unpinned', async () => {
    const { blobs, keys, files } = setup();
    const stored = await files.putDocument('doc', PDF);
    const other = await files.putDocument('other', PDF);
    await files.discardDocument(stored.keyId, stored.cid);
    expect(keys.describe(stored.keyId)?.destroyedAt).toBeInstanceOf(Date);
    await expect(blobs.get(stored.cid)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    expect(Buffer.from(await files.getDocument(other.keyId, other.cid)).equals(PDF)).toBe(true);
  });

  it('destroys the new key when the blob store fails', async () => {
    const keys = new InMemoryKeyStore();
    const failing: BlobStore = {
      put: async () => {
        throw new Error('ipfs down');
      },
      get: async () => new Uint8Array(),
      unpin: async () => undefined,
      ping: async () => undefined,
    };
    const created: string[] = [];
    const spying = {
      createDataKey: async (docId: string) => {
        const key = await keys.createDataKey(docId);
        created.push(key.keyId);
        return key;
      },
      getDataKey: (keyId: string) => keys.getDataKey(keyId),
      destroyDataKey: (keyId: string) => keys.destroyDataKey(keyId),
    };
    await expect(new SecureFileStore(failing, spying).putDocument('doc', PDF)).rejects.toThrow('ipfs down');
    expect(created).toHaveLength(1);
    expect(keys.describe(created[0] ?? '')?.destroyedAt).toBeInstanceOf(Date);
  });

  it('validates its arguments', async () => {
    const { files } = setup();
    await expect(files.putDocument('', PDF)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(files.putDocument('doc', 5 as unknown as Uint8Array)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(files.getDocument('x', 'cid')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
