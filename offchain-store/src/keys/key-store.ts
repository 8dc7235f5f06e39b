/** A freshly created 32-byte data key (bytes 0..15 SM4 key, 16..31 HMAC-SM3 key). */
export interface DataKey {
  readonly keyId: string;
  readonly key: Buffer;
}

/**
 * One data key per document. Implementations never keep a data key in clear at rest, and
 * destroying a key (crypto-shredding) makes every copy of the document's ciphertext unreadable.
 * Returned buffers are copies the caller may zero after use.
 */
export interface KeyStore {
  createDataKey(docId: string): Promise<DataKey>;
  /** Throws OffchainError KEY_NOT_FOUND, KEY_DESTROYED, KEK_UNAVAILABLE or TAMPERED_CIPHERTEXT. */
  getDataKey(keyId: string): Promise<Buffer>;
  /** Idempotent for an already destroyed key; KEY_NOT_FOUND for an unknown one. */
  destroyDataKey(keyId: string): Promise<void>;
}

export const DATA_KEY_BYTES = 32;
