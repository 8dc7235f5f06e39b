/** Content-addressed storage for (already encrypted) bytes. */
export interface BlobStore {
  /** Stores the bytes and returns their content identifier. */
  put(bytes: Uint8Array): Promise<string>;
  /** Throws OffchainError BLOB_NOT_FOUND, BLOB_TOO_LARGE or BLOB_STORE_UNAVAILABLE. */
  get(cid: string): Promise<Uint8Array>;
  /** Resolves when the store is reachable; throws BLOB_STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
}
