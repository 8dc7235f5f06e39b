/**
 * What the services need from the off-chain store. `src/offchain.ts` adapts `@hdt/offchain-store`
 * to these interfaces; unit tests use in-memory fakes.
 */

/** Result of storing one encrypted document. */
export interface StoredDocument {
  cid: string;
  /** SM3 of the plaintext, 64 hex. */
  sm3: string;
  keyId: string;
  size: number;
}

/** Encrypts with a fresh data key per document; only ciphertext reaches IPFS. */
export interface DocumentFiles {
  putDocument(docId: string, plaintext: Uint8Array): Promise<StoredDocument>;
  /** Decrypts; rejects when the tag or the expected SM3 does not match. */
  getDocument(keyId: string, cid: string, expectedSm3?: string): Promise<Uint8Array>;
  /** Crypto-shredding: destroys the document's data key. */
  destroyDocument(keyId: string): Promise<void>;
  /** For a document nothing refers to: destroys its data key, then unpins its ciphertext. */
  discardDocument(keyId: string, cid: string): Promise<void>;
}

export type BeginIdempotentResult =
  /**
   * When a crashed attempt under the same key is taken over: `earlier`, the transactions it
   * submitted; `progress`, what it recorded to finish.
   */
  | { kind: 'new'; earlier?: readonly string[] | undefined; progress?: unknown }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'conflict' }
  | { kind: 'in_progress' };

export interface IdempotencyStore {
  begin(scope: string, key: string, requestHash: string): Promise<BeginIdempotentResult>;
  /** Records every ledger transaction the pending request has submitted, before the last is sent. */
  recordAttempts(scope: string, key: string, txIds: readonly string[]): Promise<void>;
  /** Records (sealed) what the pending request needs to finish after a crash, replacing what it recorded before. */
  recordProgress(scope: string, key: string, progress: unknown): Promise<void>;
  complete(scope: string, key: string, statusCode: number, body: unknown): Promise<void>;
  abandon(scope: string, key: string): Promise<void>;
}

export interface OffchainPorts {
  files: DocumentFiles;
  idempotency: IdempotencyStore;
  /** Checks the database and the IPFS node; never throws. */
  ping(): Promise<OffchainHealth>;
}

export interface DependencyHealth {
  state: 'up' | 'down';
  detail: string;
}

export interface OffchainHealth {
  database: DependencyHealth;
  ipfs: DependencyHealth;
}
