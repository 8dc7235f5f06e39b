import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { openEnvelope, sealEnvelope } from '../crypto/envelope';
import { sm3Hex } from '../crypto/sm3';
import { binaryToBuffer, isDuplicateKeyError, parseStoredDate, toDatabaseError } from '../database';
import { OffchainError } from '../errors';
import type { KeyStore } from '../keys/key-store';
import { parseKeyId, parsePositiveInt, parseText } from '../validation';

export const IDEMPOTENCY_RECORD_MODEL = 'IdempotencyRecord';
export const IDEMPOTENCY_RECORD_COLLECTION = 'idempotency_records';

export type IdempotencyState = 'pending' | 'done';

/**
 * One write request under an Idempotency-Key. The first response body is kept only sealed: its
 * JSON text (so any JSON shape, including keys with `$` or `.`, comes back exactly) in an
 * SM4-CBC + HMAC-SM3 envelope under a data key of its own, which the key store keeps wrapped by
 * the key-encryption key. A response may carry secrets (an invoice's check code): the database
 * never holds it in clear.
 */
export interface IdempotencyRecord {
  /** Who sent the request (user id); keys are unique per scope. */
  scope: string;
  key: string;
  /** Digest of the request, to tell a replay from a different request reusing the key. */
  requestHash: string;
  state: IdempotencyState;
  statusCode?: number | null;
  /** The first response body's JSON text, sealed under `bodyKeyId`. */
  sealedBody?: Buffer | null;
  /** The data key of `sealedBody`. */
  bodyKeyId?: string | null;
  createdAt: Date;
  /** When the current attempt started (a stale pending attempt may be taken over). */
  lockedAt: Date;
  completedAt?: Date | null;
  /**
   * Ledger transactions submitted for this request, recorded before each was sent. When a crashed
   * attempt is taken over, its successor looks for them on the ledger before writing again.
   */
  attempts?: string[];
  /**
   * What the pending attempt must know again to finish after a crash (e.g. a generated check code
   * and the documents it stored), sealed like the response body under `progressKeyId`.
   */
  sealedProgress?: Buffer | null;
  progressKeyId?: string | null;
}

export type IdempotencyRecordModel = Model<IdempotencyRecord>;

export type IdempotencyBegin =
  | { readonly kind: 'new'; readonly earlier?: readonly string[]; readonly progress?: unknown }
  | { readonly kind: 'replay'; readonly statusCode: number; readonly body: unknown }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'in_progress' };

export interface IdempotencyOptions {
  /**
   * A pending attempt older than this (ms) is considered abandoned by a crashed process and
   * the next identical request takes it over (default 300 000 = 5 minutes).
   */
  readonly staleAfterMs?: number;
}

export const idempotencyRecordSchema = new Schema<IdempotencyRecord>(
  {
    scope: { type: String, required: true, minlength: 1, maxlength: 128 },
    key: { type: String, required: true, minlength: 1, maxlength: 255 },
    requestHash: { type: String, required: true, minlength: 1, maxlength: 128 },
    state: { type: String, required: true, enum: ['pending', 'done'] },
    statusCode: { type: Number, required: false },
    sealedBody: { type: Buffer, required: false },
    bodyKeyId: { type: String, required: false, maxlength: 64 },
    createdAt: { type: Date, required: true, default: () => new Date() },
    lockedAt: { type: Date, required: true, default: () => new Date() },
    completedAt: { type: Date, required: false },
    attempts: { type: [String], required: false, default: undefined },
    sealedProgress: { type: Buffer, required: false },
    progressKeyId: { type: String, required: false, maxlength: 64 },
  },
  { collection: IDEMPOTENCY_RECORD_COLLECTION, versionKey: false, strict: 'throw' },
);
idempotencyRecordSchema.index({ scope: 1, key: 1 }, { unique: true, name: 'scope_key_unique' });

/** The IdempotencyRecord model on the given connection (registered once per connection). */
export function idempotencyRecordModel(connection: Connection): IdempotencyRecordModel {
  if (connection.modelNames().includes(IDEMPOTENCY_RECORD_MODEL)) {
    return connection.model<IdempotencyRecord>(IDEMPOTENCY_RECORD_MODEL);
  }
  return connection.model<IdempotencyRecord>(
    IDEMPOTENCY_RECORD_MODEL,
    idempotencyRecordSchema,
    IDEMPOTENCY_RECORD_COLLECTION,
  );
}

const DEFAULT_STALE_AFTER_MS = 5 * 60 * 1000;
const BEGIN_ATTEMPTS = 3;

/**
 * Deletes the records an earlier version wrote with the response body in clear (field `body`),
 * so no stored replay keeps a secret readable. A retry of such a request runs again; the writes
 * behind this store are themselves unique (an invoice's code and number), so nothing is done
 * twice. Runs once at connect; returns how many records went.
 */
export async function purgePlaintextReplays(model: IdempotencyRecordModel): Promise<number> {
  try {
    const result = await model.collection.deleteMany({ body: { $exists: true } });
    return result.deletedCount;
  } catch (error) {
    throw toDatabaseError(error, 'removing idempotency records with clear bodies');
  }
}

/** The document id recorded with a response's data key: SM3 of (scope, key), which together may exceed a document id's 256 characters. */
function bodyDocId(scope: string, key: string): string {
  return `idempotency/${sm3Hex(`${scope}\u0000${key}`)}`;
}

/**
 * Idempotent writes without transactions (FerretDB offers none to rely on): `begin` inserts a pending
 * record and relies on the unique (scope, key) index to detect a concurrent or earlier request.
 */
export class IdempotencyStore {
  readonly #model: IdempotencyRecordModel;
  readonly #keys: KeyStore;
  readonly #staleAfterMs: number;

  constructor(model: IdempotencyRecordModel, keys: KeyStore, options: IdempotencyOptions = {}) {
    this.#model = model;
    this.#keys = keys;
    this.#staleAfterMs = parsePositiveInt(options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS, 'staleAfterMs');
  }

  async begin(scope: string, key: string, requestHash: string): Promise<IdempotencyBegin> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    const hash = parseText(requestHash, 'requestHash', 128);
    try {
      for (let attempt = 0; attempt < BEGIN_ATTEMPTS; attempt += 1) {
        const now = new Date();
        try {
          await this.#model.create({ ...filter, requestHash: hash, state: 'pending', createdAt: now, lockedAt: now });
          return { kind: 'new' };
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        const raw: unknown = await this.#model.findOne(filter).lean().exec();
        // Gone between insert and read (abandoned meanwhile): try to insert again.
        if (raw === null) continue;
        const existing = parseRecord(raw);
        if (existing.requestHash !== hash) return { kind: 'conflict' };
        if (existing.state === 'done') return await this.replay(existing);
        if (now.getTime() - existing.lockedAt.getTime() < this.#staleAfterMs) return { kind: 'in_progress' };
        const takeover = await this.#model
          .updateOne({ ...filter, state: 'pending', lockedAt: existing.lockedAt }, { $set: { lockedAt: now } })
          .exec();
        return takeover.modifiedCount === 1 ? await this.takenOver(existing) : { kind: 'in_progress' };
      }
      return { kind: 'in_progress' };
    } catch (error) {
      throw toDatabaseError(error, 'beginning idempotent request');
    }
  }

  /**
   * Records the ledger transactions this request has submitted so far (`txIds`, all of them,
   * including those of an attempt taken over), before the last of them is sent.
   */
  async recordAttempts(scope: string, key: string, txIds: readonly string[]): Promise<void> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    const attempts = txIds.map((txId, i) => parseText(txId, `txIds[${i}]`, 128));
    let matched: number;
    try {
      matched = (await this.#model.updateOne({ ...filter, state: 'pending' }, { $set: { attempts } }).exec())
        .matchedCount;
    } catch (error) {
      throw toDatabaseError(error, 'recording an attempt of an idempotent request');
    }
    if (matched === 0) throw notPending(filter);
  }

  /**
   * Records, sealed under a fresh data key, what the pending attempt needs to finish after a crash;
   * replaces (and shreds) what it recorded before. The request that takes the attempt over gets it.
   */
  async recordProgress(scope: string, key: string, progress: unknown): Promise<void> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    const text = serialiseBody(progress);
    const { keyId, sealedBody } = await this.seal(`${bodyDocId(filter.scope, filter.key)}/progress`, text);
    let before: string | undefined;
    try {
      const set = { sealedProgress: sealedBody, progressKeyId: keyId };
      before = progressKeyOf(await this.updatePending(filter, set));
    } catch (error) {
      await this.#keys.destroyDataKey(keyId).catch(() => undefined);
      throw toDatabaseError(error, 'recording the progress of an idempotent request');
    }
    await this.shred(before);
  }

  /** Records the first response; its body is sealed under a fresh data key before it is written. */
  async complete(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    const status = parseStatusCode(statusCode);
    const text = serialiseBody(body);
    const { keyId, sealedBody } = await this.seal(bodyDocId(filter.scope, filter.key), text);
    let before: string | undefined;
    try {
      const done = { state: 'done', statusCode: status, sealedBody, bodyKeyId: keyId, completedAt: new Date() };
      before = progressKeyOf(await this.updatePending(filter, { ...done, sealedProgress: null, progressKeyId: null }));
    } catch (error) {
      // The sealed body was not stored: leave no usable key behind.
      await this.#keys.destroyDataKey(keyId).catch(() => undefined);
      throw toDatabaseError(error, 'completing idempotent request');
    }
    await this.shred(before);
  }

  /** Sets `set` on the pending record; resolves with the record as it was before. */
  private async updatePending(filter: { scope: string; key: string }, set: Record<string, unknown>): Promise<unknown> {
    const before: unknown = await this.#model
      .findOneAndUpdate({ ...filter, state: 'pending' }, { $set: set }, { projection: { progressKeyId: 1 } })
      .lean()
      .exec();
    if (before === null) throw notPending(filter);
    return before;
  }

  /** Destroys the data key of progress no longer kept; a failure leaves a key that opens nothing stored. */
  private async shred(keyId: string | undefined): Promise<void> {
    if (keyId !== undefined) await this.#keys.destroyDataKey(keyId).catch(() => undefined);
  }

  /** A stale pending request taken over, with the transactions and the progress its first attempt recorded. */
  private async takenOver(record: PendingRecord): Promise<IdempotencyBegin> {
    const earlier = record.attempts.length === 0 ? {} : { earlier: record.attempts };
    if (record.progress === undefined) return { kind: 'new', ...earlier };
    const text = await this.open(record.progress.keyId, record.progress.sealed);
    return { kind: 'new', ...earlier, progress: parseJson(text, 'progress') };
  }

  private async seal(docId: string, text: string): Promise<{ keyId: string; sealedBody: Buffer }> {
    const { keyId, key } = await this.#keys.createDataKey(docId);
    try {
      return { keyId, sealedBody: sealEnvelope(Buffer.from(text, 'utf8'), key) };
    } finally {
      key.fill(0);
    }
  }

  /** The first response, opened with its data key. */
  private async replay(record: DoneRecord): Promise<IdempotencyBegin> {
    const text = await this.open(record.bodyKeyId, record.sealedBody);
    return { kind: 'replay', statusCode: record.statusCode, body: parseJson(text, 'body') };
  }

  private async open(keyId: string, sealed: Buffer): Promise<string> {
    const key = await this.#keys.getDataKey(keyId);
    try {
      return openEnvelope(sealed, key).toString('utf8');
    } finally {
      key.fill(0);
    }
  }

  /** Removes a pending record so the same request can be retried; a completed one is kept. */
  async abandon(scope: string, key: string): Promise<void> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    try {
      await this.#model.deleteOne({ ...filter, state: 'pending' }).exec();
    } catch (error) {
      throw toDatabaseError(error, 'abandoning idempotent request');
    }
  }
}

function notPending(filter: { scope: string; key: string }): OffchainError {
  return new OffchainError(
    'IDEMPOTENCY_NOT_PENDING',
    `no pending request for key ${filter.key} in scope ${filter.scope}`,
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OffchainError('CORRUPT_RECORD', `idempotency record ${what} is not JSON`, { cause: error });
  }
}

/** The progress data key a record held, if any. */
function progressKeyOf(raw: unknown): string | undefined {
  const keyId: unknown = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'progressKeyId') : undefined;
  return typeof keyId === 'string' ? keyId : undefined;
}

interface DoneRecord {
  readonly state: 'done';
  readonly requestHash: string;
  readonly statusCode: number;
  readonly sealedBody: Buffer;
  readonly bodyKeyId: string;
}

interface PendingRecord {
  readonly state: 'pending';
  readonly requestHash: string;
  readonly lockedAt: Date;
  readonly attempts: readonly string[];
  readonly progress?: { readonly sealed: Buffer; readonly keyId: string } | undefined;
}

type ParsedRecord = PendingRecord | DoneRecord;

function corrupt(text: string): OffchainError {
  return new OffchainError('CORRUPT_RECORD', `idempotency record ${text}`);
}

function parseRecord(raw: unknown): ParsedRecord {
  if (typeof raw !== 'object' || raw === null) throw corrupt('is not an object');
  const requestHash: unknown = Reflect.get(raw, 'requestHash');
  const state: unknown = Reflect.get(raw, 'state');
  if (typeof requestHash !== 'string') throw corrupt('has no requestHash');
  if (state === 'pending') {
    return {
      state,
      requestHash,
      lockedAt: parseLockedAt(raw),
      attempts: parseAttempts(raw),
      progress: parseProgress(raw),
    };
  }
  if (state === 'done') return { state, requestHash, ...parseResponse(raw) };
  throw corrupt('has an unknown state');
}

function parseAttempts(raw: object): string[] {
  const attempts: unknown = Reflect.get(raw, 'attempts');
  if (attempts === undefined || attempts === null) return [];
  if (!Array.isArray(attempts) || !attempts.every((txId) => typeof txId === 'string')) {
    throw corrupt('has attempts that are not transaction ids');
  }
  return attempts;
}

function parseProgress(raw: object): PendingRecord['progress'] {
  const sealed = binaryToBuffer(Reflect.get(raw, 'sealedProgress'));
  const keyId = progressKeyOf(raw);
  if (sealed === undefined || keyId === undefined) return undefined;
  try {
    return { sealed, keyId: parseKeyId(keyId) };
  } catch (error) {
    throw new OffchainError('CORRUPT_RECORD', 'idempotency record has no valid progressKeyId', { cause: error });
  }
}

function parseLockedAt(raw: object): Date {
  const lockedAt = parseStoredDate(Reflect.get(raw, 'lockedAt')) ?? parseStoredDate(Reflect.get(raw, 'createdAt'));
  if (lockedAt === undefined) throw corrupt('has no lockedAt');
  return lockedAt;
}

function parseResponse(raw: object): { statusCode: number; sealedBody: Buffer; bodyKeyId: string } {
  const statusCode: unknown = Reflect.get(raw, 'statusCode');
  const sealedBody = binaryToBuffer(Reflect.get(raw, 'sealedBody'));
  const bodyKeyId: unknown = Reflect.get(raw, 'bodyKeyId');
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) throw corrupt('has no statusCode');
  if (sealedBody === undefined) throw corrupt('has no sealed body');
  try {
    return { statusCode, sealedBody, bodyKeyId: parseKeyId(bodyKeyId) };
  } catch (error) {
    throw new OffchainError('CORRUPT_RECORD', 'idempotency record has no valid bodyKeyId', { cause: error });
  }
}

function parseStatusCode(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
    throw new OffchainError('INVALID_ARGUMENT', 'statusCode must be an integer HTTP status 100..599');
  }
  return value;
}

function serialiseBody(body: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new OffchainError('INVALID_ARGUMENT', 'body must be JSON-serialisable', { cause: error });
  }
  // undefined (e.g. a 204 response) is stored as null.
  return text ?? 'null';
}
