import type { BlobStore } from '../blobs/blob-store';
import { openEnvelope, sealEnvelope } from '../crypto/envelope';
import { sm3Hex } from '../crypto/sm3';
import { OffchainError } from '../errors';
import type { KeyStore } from '../keys/key-store';
import { parseKeyId, parseSm3Hex, parseText, toBytes } from '../validation';

/** Where and how a document was stored: what goes into InvoiceRecord.pdf / .data. */
export interface StoredDocument {
  /** Content identifier of the sealed envelope in the blob store. */
  readonly cid: string;
  /** SM3 of the plaintext, 64 lowercase hex (equals `openssl dgst -sm3`). */
  readonly sm3: string;
  /** The document's own data key. */
  readonly keyId: string;
  /** Plaintext size in bytes. */
  readonly size: number;
}

/**
 * Documents encrypted before they leave the process: one fresh data key per document,
 * SM4-CBC + HMAC-SM3 envelope, only the envelope reaches the blob store.
 */
export class SecureFileStore {
  readonly #blobs: BlobStore;
  readonly #keys: KeyStore;

  constructor(blobs: BlobStore, keys: KeyStore) {
    this.#blobs = blobs;
    this.#keys = keys;
  }

  /** Encrypts `plaintext` (a string is taken as UTF-8) under a new data key and stores it. */
  async putDocument(docId: string, plaintext: Uint8Array | string): Promise<StoredDocument> {
    const id = parseText(docId, 'docId');
    const plain = toBytes(plaintext, 'plaintext');
    const digest = sm3Hex(plain);
    const { keyId, key } = await this.#keys.createDataKey(id);
    let sealed: Buffer;
    try {
      sealed = sealEnvelope(plain, key);
    } finally {
      key.fill(0);
    }
    let cid: string;
    try {
      cid = await this.#blobs.put(sealed);
    } catch (error) {
      // Leave no usable key behind for content that was never stored.
      await this.#keys.destroyDataKey(keyId).catch(() => undefined);
      throw error;
    }
    return { cid, sm3: digest, keyId, size: plain.length };
  }

  /**
   * Fetches, authenticates and decrypts a document. Throws KEY_DESTROYED after crypto-shredding,
   * TAMPERED_CIPHERTEXT when the stored envelope was changed, DIGEST_MISMATCH when `expectedSm3`
   * is given and differs from the plaintext's SM3.
   */
  async getDocument(keyId: string, cid: string, expectedSm3?: string): Promise<Buffer> {
    const id = parseKeyId(keyId);
    const address = parseText(cid, 'cid');
    const expected = expectedSm3 === undefined ? undefined : parseSm3Hex(expectedSm3, 'expectedSm3');
    const key = await this.#keys.getDataKey(id);
    let plain: Buffer;
    try {
      const sealed = await this.#blobs.get(address);
      plain = openEnvelope(sealed, key);
    } finally {
      key.fill(0);
    }
    if (expected !== undefined && sm3Hex(plain) !== expected) {
      throw new OffchainError('DIGEST_MISMATCH', `document ${address} does not have the expected SM3 digest`);
    }
    return plain;
  }

  /** Crypto-shredding: destroys the document's data key so no copy of its ciphertext can be read. */
  async destroyDocument(keyId: string): Promise<void> {
    await this.#keys.destroyDataKey(parseKeyId(keyId));
  }

  /**
   * For a document nothing refers to (an issue the ledger refused): its key destroyed first, so
   * the ciphertext is unreadable even where a copy remains, then its blob unpinned.
   */
  async discardDocument(keyId: string, cid: string): Promise<void> {
    const address = parseText(cid, 'cid');
    await this.destroyDocument(keyId);
    await this.#blobs.unpin(address);
  }
}
