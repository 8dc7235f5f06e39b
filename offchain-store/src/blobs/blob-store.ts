/** Content-addressed storage for (already encrypted) bytes. */
export interface BlobStore {
  /** Stores the bytes and returns their content identifier. */
  put(bytes: Uint8Array): Promise<string>;
  /** Throws OffchainError BLOB_NOT_FOUND, BLOB_TOO_LARGE or BLOB_STORE_UNAVAILABLE. */
  get(cid: string): Promise<Uint8Array>;
  /**
   * Stops keeping the bytes (an IPFS node may then collect them). Resolves as well when the
   * identifier is not held; throws BLOB_STORE_UNAVAILABLE when the store cannot be reached.
   */
  unpin(cid: string): Promise<void>;
  /** Resolves when the store is reachable; throws BLOB_STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
}
