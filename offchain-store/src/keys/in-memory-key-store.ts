import { randomBytes, randomUUID } from 'node:crypto';
import { OffchainError } from '../errors';
import { parseKeyId, parseText } from '../validation';
import { DATA_KEY_BYTES } from './key-store';
import type { DataKey, KeyStore } from './key-store';

interface Entry {
  readonly docId: string;
  key: Buffer | null;
  destroyedAt: Date | null;
}

/** A KeyStore held in process memory, for unit tests and tools. Keys are lost on exit. */
export class InMemoryKeyStore implements KeyStore {
  readonly #entries = new Map<string, Entry>();

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async createDataKey(docId: string): Promise<DataKey> {
    const id = parseText(docId, 'docId');
    const key = randomBytes(DATA_KEY_BYTES);
    const keyId = randomUUID();
    this.#entries.set(keyId, { docId: id, key: Buffer.from(key), destroyedAt: null });
    return { keyId, key };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async getDataKey(keyId: string): Promise<Buffer> {
    const id = parseKeyId(keyId);
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new OffchainError('KEY_NOT_FOUND', `keyId ${id} does not exist`);
    if (entry.key === null) throw new OffchainError('KEY_DESTROYED', `keyId ${id} was destroyed`);
    return Buffer.from(entry.key);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- in-memory double: async makes its errors rejections, like the real store
  async destroyDataKey(keyId: string): Promise<void> {
    const id = parseKeyId(keyId);
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new OffchainError('KEY_NOT_FOUND', `keyId ${id} does not exist`);
    if (entry.key === null) return;
    entry.key.fill(0);
    entry.key = null;
    entry.destroyedAt = new Date();
  }

  /** The document a key belongs to, and whether it was destroyed (for assertions in tests). */
  describe(keyId: string): { docId: string; destroyedAt: Date | null } | undefined {
    const entry = this.#entries.get(keyId);
    return entry === undefined ? undefined : { docId: entry.docId, destroyedAt: entry.destroyedAt };
  }
}
