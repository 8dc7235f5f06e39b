import { createHash } from 'node:crypto';
import { OffchainError } from '../errors';
import { parseBytes, parseText } from '../validation';
import type { BlobStore } from './blob-store';

/**
 * A BlobStore in process memory, for unit tests. Identifiers are "mem-" plus the SHA-256 of the
 * bytes (not IPFS CIDs). Stored and returned bytes are copies.
 */
export class InMemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Buffer>();

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async put(bytes: Uint8Array): Promise<string> {
    const data = Buffer.from(parseBytes(bytes, 'bytes'));
    const cid = `mem-${createHash('sha256').update(data).digest('hex')}`;
    this.#blobs.set(cid, data);
    return cid;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async get(cid: string): Promise<Uint8Array> {
    const id = parseText(cid, 'cid');
    const data = this.#blobs.get(id);
    if (data === undefined) throw new OffchainError('BLOB_NOT_FOUND', `cid ${id} is not stored`);
    return Buffer.from(data);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async unpin(cid: string): Promise<void> {
    this.#blobs.delete(parseText(cid, 'cid'));
  }

  async ping(): Promise<void> {
    // Always reachable.
  }

  /** Replaces the stored bytes behind an identifier (lets tests simulate tampering). */
  overwrite(cid: string, bytes: Uint8Array): void {
    if (!this.#blobs.has(cid)) throw new OffchainError('BLOB_NOT_FOUND', `cid ${cid} is not stored`);
    this.#blobs.set(cid, Buffer.from(bytes));
  }

  get size(): number {
    return this.#blobs.size;
  }
}
