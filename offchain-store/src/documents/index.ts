import type { Connection } from 'mongoose';
import type { KeyStore } from '../keys/key-store';
import { idempotencyRecordModel, IdempotencyStore } from './idempotency';
import type { IdempotencyBegin, IdempotencyOptions, IdempotencyRecordModel } from './idempotency';

export {
  IDEMPOTENCY_RECORD_COLLECTION,
  IDEMPOTENCY_RECORD_MODEL,
  idempotencyRecordModel,
  idempotencyRecordSchema,
  IdempotencyStore,
  purgePlaintextReplays,
} from './idempotency';
export type {
  IdempotencyBegin,
  IdempotencyOptions,
  IdempotencyRecord,
  IdempotencyRecordModel,
  IdempotencyState,
} from './idempotency';

/** The document side of the off-chain store: the idempotency model and its helpers. */
export interface OffchainDocuments {
  readonly idempotencyRecords: IdempotencyRecordModel;
  /** new | replay (first result, unsealed) | conflict (same key, other request) | in_progress. */
  beginIdempotent(scope: string, key: string, requestHash: string): Promise<IdempotencyBegin>;
  /** Records the ledger transactions a pending request has submitted (IDEMPOTENCY_NOT_PENDING if none is pending). */
  recordIdempotentAttempts(scope: string, key: string, txIds: readonly string[]): Promise<void>;
  /** Records, sealed, what a pending request needs to finish after a crash; its successor gets it from begin. */
  recordIdempotentProgress(scope: string, key: string, progress: unknown): Promise<void>;
  /**
   * Records the first result, sealed under a data key of its own from `keys`; throws
   * IDEMPOTENCY_NOT_PENDING if begin did not return new.
   */
  completeIdempotent(scope: string, key: string, statusCode: number, body: unknown): Promise<void>;
  /** Deletes a pending record so a failed request can be retried. */
  abandonIdempotent(scope: string, key: string): Promise<void>;
}

/** Registers the idempotency model on `connection` and binds its helpers to it; `keys` seals the stored responses. */
export function createOffchainDocuments(
  connection: Connection,
  keys: KeyStore,
  options: IdempotencyOptions = {},
): OffchainDocuments {
  const idempotencyRecords = idempotencyRecordModel(connection);
  const store = new IdempotencyStore(idempotencyRecords, keys, options);
  return {
    idempotencyRecords,
    beginIdempotent: (scope, key, requestHash) => store.begin(scope, key, requestHash),
    recordIdempotentAttempts: (scope, key, txIds) => store.recordAttempts(scope, key, txIds),
    recordIdempotentProgress: (scope, key, progress) => store.recordProgress(scope, key, progress),
    completeIdempotent: (scope, key, statusCode, body) => store.complete(scope, key, statusCode, body),
    abandonIdempotent: (scope, key) => store.abandon(scope, key),
  };
}
