import { OffchainError } from '../errors';
import type { BlobStore } from './blob-store';

export interface BlobCacheOptions {
  /** Most bytes kept in all (default 32 MiB); 0 keeps nothing. */
  readonly maxBytes?: number;
  /** Largest blob kept (default 1 MiB): bigger ones always go to the store. */
  readonly maxEntryBytes?: number;
}

const MiB = 1024 * 1024;

function byteCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OffchainError('INVALID_ARGUMENT', `${field} must be a whole number of bytes, 0 or more`);
  }
  return value;
}

/**
 * Keeps the most recently used blobs in memory in front of another blob store. A CID names its
 * bytes, and every blob is an authenticated envelope opened under its data key, so a kept copy
 * can be neither stale nor forged; a destroyed data key still makes it unreadable. Unpinning
 * forgets the copy.
 */
export class CachedBlobStore implements BlobStore {
  readonly #inner: BlobStore;
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(inner: BlobStore, options: BlobCacheOptions = {}) {
    this.#inner = inner;
    this.#maxBytes = byteCount(options.maxBytes ?? 32 * MiB, 'maxBytes');
    this.#maxEntryBytes = Math.min(byteCount(options.maxEntryBytes ?? MiB, 'maxEntryBytes'), this.#maxBytes);
  }

  /** Bytes kept now. */
  get size(): number {
    return this.#bytes;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const cid = await this.#inner.put(bytes);
    this.#keep(cid, bytes);
    return cid;
  }

  async get(cid: string): Promise<Uint8Array> {
    const kept = this.#entries.get(cid);
    if (kept !== undefined) {
      this.#entries.delete(cid);
      this.#entries.set(cid, kept);
      return Uint8Array.from(kept);
    }
    const bytes = await this.#inner.get(cid);
    this.#keep(cid, bytes);
    return bytes;
  }

  async unpin(cid: string): Promise<void> {
    this.#forget(cid);
    await this.#inner.unpin(cid);
  }

  ping(): Promise<void> {
    return this.#inner.ping();
  }

  #keep(cid: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.#maxEntryBytes) return;
    this.#forget(cid);
    this.#entries.set(cid, Uint8Array.from(bytes));
    this.#bytes += bytes.byteLength;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.byteLength;
    }
  }

  #forget(cid: string): void {
    const kept = this.#entries.get(cid);
    if (kept === undefined) return;
    this.#entries.delete(cid);
    this.#bytes -= kept.byteLength;
  }
}
