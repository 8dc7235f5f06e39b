/**
 * Writes made once per Idempotency-Key: the first request under a key is recorded before it runs,
 * and its answer afterwards (sealed by the store: an answer may hold a check code). A retry of the
 * same request by the same user gets that answer without writing again; the same key with another
 * request is refused (422 IDEMPOTENCY_KEY_REUSED), and while the first request runs, 409.
 */
import { sm3Hex } from '@hdt/offchain-store';
import { canonicalJson } from '@hdt/vocabulary';
import type { z } from 'zod';
import { AppError } from '../../errors';
import { describe, type Logger } from '../../logger';
import type { BeginIdempotentResult, IdempotencyStore } from '../../ports';
import type { Attempts } from '../../fabric/ledger-client';
import { fromStorageError } from './storage-errors';

export interface IdempotencyDeps {
  idempotency: IdempotencyStore;
  logger: Logger;
}

export interface IdempotentRequest {
  /** Whose keys: the user's name. */
  scope: string;
  /** The Idempotency-Key, when the request has one. */
  key: string | undefined;
  /** What the request asks (its operation, path parameters and body): its SM3 tells a retry from another request. */
  request: unknown;
}

/** The answer a write gives: its status, and the schema a replayed body must still match. */
export interface IdempotentAnswer<T> {
  status: number;
  schema: z.ZodType<T>;
}

/**
 * The ledger attempts of a write under a key, and what a crashed attempt recorded to finish
 * (`progress`, when the write took it over); `remember` records progress before a transaction is
 * sent, so that its successor can answer as it would have.
 */
export interface WriteAttempts extends Attempts {
  progress?: unknown;
  remember(progress: unknown): Promise<void>;
}

export interface Idempotent<T> {
  result: T;
  /** True when the result is the first request's, replayed. */
  replayed: boolean;
}

/**
 * The stored first answer; undefined for a new request and for one whose first attempt is still
 * running. A key first used with another request is refused.
 */
export function storedAnswer<T>(begin: BeginIdempotentResult, schema: z.ZodType<T>): T | undefined {
  if (begin.kind === 'conflict') {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used for a different request');
  }
  if (begin.kind !== 'replay') return undefined;
  const replayed = schema.safeParse(begin.body);
  if (!replayed.success) {
    throw new AppError('INTERNAL', 'stored idempotent response is unreadable', { cause: replayed.error });
  }
  return replayed.data;
}

/**
 * Whether the ledger certainly did not change: the gateway or the chaincode refused (4xx; the
 * chaincode refuses at endorsement, before anything is ordered), or the off-chain store failed,
 * which the writes behind these keys meet only before they submit. After anything else (the
 * ledger unreachable once the transaction was sent, an unexpected failure) it may have changed.
 */
export function ledgerUnchanged(err: unknown): boolean {
  return err instanceof AppError && (err.status < 500 || err.code === 'STORAGE_UNAVAILABLE');
}

/**
 * Runs `write` once per key. When it fails and the ledger certainly did not change, the key is
 * released so that the corrected request can be sent again under it; otherwise the key stays
 * taken, and a retry is answered 409 until the store considers the first attempt abandoned. Each
 * ledger transaction is recorded under the key before it is sent; the retry that takes over an
 * abandoned attempt gets them (`Attempts.earlier`), to answer with the one that landed.
 */
export async function writeOnce<T>(
  deps: IdempotencyDeps,
  request: IdempotentRequest,
  answer: IdempotentAnswer<T>,
  write: (attempts: WriteAttempts) => Promise<T>,
): Promise<Idempotent<T>> {
  const { scope, key } = request;
  if (key === undefined)
    return { result: await write({ earlier: [], remember: () => Promise.resolve() }), replayed: false };
  const started = await begin(deps, { scope, key, hash: sm3Hex(canonicalJson(request.request)) }, answer.schema);
  if (started.replay !== undefined) return { result: started.replay, replayed: true };
  const txIds = [...started.earlier];
  const submitting = async (txId: string): Promise<void> => {
    txIds.push(txId);
    await deps.idempotency.recordAttempts(scope, key, txIds).catch((err: unknown) => {
      throw fromStorageError(err, 'recording a ledger transaction of an idempotent request');
    });
  };
  const remember = async (progress: unknown): Promise<void> => {
    await deps.idempotency.recordProgress(scope, key, progress).catch((err: unknown) => {
      throw fromStorageError(err, 'recording the progress of an idempotent request');
    });
  };
  let result: T;
  try {
    result = await write({ earlier: started.earlier, progress: started.progress, submitting, remember });
  } catch (err) {
    if (ledgerUnchanged(err)) await release(deps, scope, key);
    throw err;
  }
  await deps.idempotency.complete(scope, key, answer.status, result).catch((err: unknown) => {
    deps.logger.error('write committed, its idempotent answer not saved', { error: describe(err) });
  });
  return { result, replayed: false };
}

async function begin<T>(
  deps: IdempotencyDeps,
  request: { scope: string; key: string; hash: string },
  schema: z.ZodType<T>,
): Promise<{ replay?: T | undefined; earlier: readonly string[]; progress?: unknown }> {
  const started = await deps.idempotency.begin(request.scope, request.key, request.hash).catch((err: unknown) => {
    throw fromStorageError(err, 'idempotency check');
  });
  if (started.kind === 'in_progress') {
    throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still being processed; retry later');
  }
  if (started.kind !== 'new') return { replay: storedAnswer(started, schema), earlier: [] };
  return { earlier: started.earlier ?? [], progress: started.progress };
}

async function release(deps: IdempotencyDeps, scope: string, key: string): Promise<void> {
  await deps.idempotency.abandon(scope, key).catch((err: unknown) => {
    deps.logger.error('could not release idempotency key', { scope, error: describe(err) });
  });
}
