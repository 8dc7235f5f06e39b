import { describeError, OffchainError } from '../errors';
import { parseBytes, parsePositiveInt, parseText } from '../validation';
import type { BlobStore } from './blob-store';

/** The part of the kubo-rpc-client API this store uses (lets tests supply a stand-in). */
export interface KuboClientLike {
  add(
    data: Uint8Array,
    options: { cidVersion: 1; pin: true; signal?: AbortSignal },
  ): Promise<{ cid: { toString(): string } }>;
  cat(cid: string, options: { signal?: AbortSignal }): AsyncIterable<Uint8Array>;
  version(options: { signal?: AbortSignal }): Promise<unknown>;
  pin: { rm(cid: string, options: { signal?: AbortSignal }): Promise<unknown> };
}

export interface KuboBlobStoreOptions {
  /** Per-call time limit in milliseconds (default 30 000). */
  readonly timeoutMs?: number;
  /** Largest blob `get` will assemble in memory, in bytes (default 64 MiB). */
  readonly maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** CIDv0 (base58btc) or CIDv1 (multibase) text: letters and digits only, so never an IPFS path. */
const CID_TEXT = /^[A-Za-z0-9]{8,256}$/;

/**
 * Loads the ESM-only kubo-rpc-client with a native dynamic import (kept as `import()` in the
 * CommonJS output by module node16) and creates a client for the Kubo RPC API address, e.g.
 * `http://127.0.0.1:5001` or `/ip4/127.0.0.1/tcp/5001`. Makes no network call.
 */
export async function createKuboClient(apiUrl: string): Promise<KuboClientLike> {
  const url = parseText(apiUrl, 'ipfsApiUrl', 2048);
  const kubo = await import('kubo-rpc-client').catch((error: unknown) => {
    throw new OffchainError('BLOB_STORE_UNAVAILABLE', `cannot load kubo-rpc-client: ${describeError(error)}`, {
      cause: error,
    });
  });
  try {
    return kubo.create({ url });
  } catch (error) {
    throw new OffchainError(
      'INVALID_ARGUMENT',
      `ipfsApiUrl is not a usable Kubo RPC address: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/** Blobs in IPFS through a Kubo node's RPC API: CIDv1, pinned on add. */
export class KuboBlobStore implements BlobStore {
  readonly #client: KuboClientLike;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;

  constructor(client: KuboClientLike, options: KuboBlobStoreOptions = {}) {
    this.#client = client;
    this.#timeoutMs = parsePositiveInt(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#maxBytes = parsePositiveInt(options.maxBytes ?? DEFAULT_MAX_BYTES, 'maxBytes');
  }

  /** Creates the client for `apiUrl` (see createKuboClient) and the store around it. */
  static async connect(apiUrl: string, options: KuboBlobStoreOptions = {}): Promise<KuboBlobStore> {
    return new KuboBlobStore(await createKuboClient(apiUrl), options);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const data = parseBytes(bytes, 'bytes');
    if (data.length > this.#maxBytes) {
      throw new OffchainError('BLOB_TOO_LARGE', `bytes is ${data.length} bytes, more than ${this.#maxBytes}`);
    }
    try {
      const result = await this.#client.add(data, { cidVersion: 1, pin: true, signal: this.#signal() });
      return result.cid.toString();
    } catch (error) {
      throw classify(error, 'adding blob');
    }
  }

  async get(cid: string): Promise<Uint8Array> {
    const id = parseCid(cid);
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of this.#client.cat(id, { signal: this.#signal() })) {
        total += chunk.length;
        if (total > this.#maxBytes) {
          throw new OffchainError('BLOB_TOO_LARGE', `cid ${id} is larger than ${this.#maxBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      throw classify(error, `reading cid ${id}`);
    }
    return Buffer.concat(chunks, total);
  }

  async unpin(cid: string): Promise<void> {
    const id = parseCid(cid);
    try {
      await this.#client.pin.rm(id, { signal: this.#signal() });
    } catch (error) {
      // Kubo answers "not pinned or pinned indirectly" for a CID it does not hold pinned.
      if (/not pinned/i.test(describeError(error))) return;
      throw classify(error, `unpinning cid ${id}`);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.#client.version({ signal: this.#signal() });
    } catch (error) {
      throw classify(error, 'pinging IPFS');
    }
  }

  #signal(): AbortSignal {
    return AbortSignal.timeout(this.#timeoutMs);
  }
}

function parseCid(value: unknown): string {
  const text = parseText(value, 'cid');
  if (!CID_TEXT.test(text))
    throw new OffchainError('INVALID_ARGUMENT', 'cid must be a bare CID (letters and digits only)');
  return text;
}

function classify(error: unknown, action: string): OffchainError {
  if (error instanceof OffchainError) return error;
  const text = describeError(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new OffchainError('BLOB_STORE_UNAVAILABLE', `${action}: timed out`, { cause: error });
  }
  if (/not found|could not find/i.test(text)) {
    return new OffchainError('BLOB_NOT_FOUND', `${action}: ${text}`, { cause: error });
  }
  return new OffchainError('BLOB_STORE_UNAVAILABLE', `${action}: ${text}`, { cause: error });
}
