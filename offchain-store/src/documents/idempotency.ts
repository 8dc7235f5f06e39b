import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { isDuplicateKeyError, parseStoredDate, toDatabaseError } from '../database';
import { OffchainError } from '../errors';
import { parsePositiveInt, parseText } from '../validation';

export const IDEMPOTENCY_RECORD_MODEL = 'IdempotencyRecord';
export const IDEMPOTENCY_RECORD_COLLECTION = 'idempotency_records';

export type IdempotencyState = 'pending' | 'done';

/**
 * One write request under an Idempotency-Key. `body` holds the first response body as JSON text
 * (so any JSON shape, including keys with `$` or `.`, is stored exactly).
 */
export interface IdempotencyRecord {
  /** Who sent the request (user id); keys are unique per scope. */
  scope: string;
  key: string;
  /** Digest of the request, to tell a replay from a different request reusing the key. */
  requestHash: string;
  state: IdempotencyState;
  statusCode?: number | null;
  body?: string | null;
  createdAt: Date;
  /** When the current attempt started (a stale pending attempt may be taken over). */
  lockedAt: Date;
  completedAt?: Date | null;
}

export type IdempotencyRecordModel = Model<IdempotencyRecord>;

export type IdempotencyBegin =
  | { readonly kind: 'new' }
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
    body: { type: String, required: false },
    createdAt: { type: Date, required: true, default: () => new Date() },
    lockedAt: { type: Date, required: true, default: () => new Date() },
    completedAt: { type: Date, required: false },
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
 * Idempotent writes without transactions (FerretDB offers none to rely on): `begin` inserts a pending
 * record and relies on the unique (scope, key) index to detect a concurrent or earlier request.
 */
export class IdempotencyStore {
  readonly #model: IdempotencyRecordModel;
  readonly #staleAfterMs: number;

  constructor(model: IdempotencyRecordModel, options: IdempotencyOptions = {}) {
    this.#model = model;
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
        if (existing.state === 'done') return { kind: 'replay', statusCode: existing.statusCode, body: existing.body };
        if (now.getTime() - existing.lockedAt.getTime() < this.#staleAfterMs) return { kind: 'in_progress' };
        const takeover = await this.#model
          .updateOne({ ...filter, state: 'pending', lockedAt: existing.lockedAt }, { $set: { lockedAt: now } })
          .exec();
        return takeover.modifiedCount === 1 ? { kind: 'new' } : { kind: 'in_progress' };
      }
      return { kind: 'in_progress' };
    } catch (error) {
      throw toDatabaseError(error, 'beginning idempotent request');
    }
  }

  async complete(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    const filter = { scope: parseText(scope, 'scope', 128), key: parseText(key, 'key', 255) };
    const status = parseStatusCode(statusCode);
    const text = serialiseBody(body);
    try {
      const result = await this.#model
        .updateOne(
          { ...filter, state: 'pending' },
          { $set: { state: 'done', statusCode: status, body: text, completedAt: new Date() } },
        )
        .exec();
      if (result.matchedCount === 0) {
        throw new OffchainError(
          'IDEMPOTENCY_NOT_PENDING',
          `no pending request for key ${filter.key} in scope ${filter.scope}`,
        );
      }
    } catch (error) {
      throw toDatabaseError(error, 'completing idempotent request');
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

type ParsedRecord =
  | { readonly state: 'pending'; readonly requestHash: string; readonly lockedAt: Date }
  | { readonly state: 'done'; readonly requestHash: string; readonly statusCode: number; readonly body: unknown };

function corrupt(text: string): OffchainError {
  return new OffchainError('CORRUPT_RECORD', `idempotency record ${text}`);
}

function parseRecord(raw: unknown): ParsedRecord {
  if (typeof raw !== 'object' || raw === null) throw corrupt('is not an object');
  const requestHash: unknown = Reflect.get(raw, 'requestHash');
  const state: unknown = Reflect.get(raw, 'state');
  if (typeof requestHash !== 'string') throw corrupt('has no requestHash');
  if (state === 'pending') return { state, requestHash, lockedAt: parseLockedAt(raw) };
  if (state === 'done') return { state, requestHash, ...parseResponse(raw) };
  throw corrupt('has an unknown state');
}

function parseLockedAt(raw: object): Date {
  const lockedAt = parseStoredDate(Reflect.get(raw, 'lockedAt')) ?? parseStoredDate(Reflect.get(raw, 'createdAt'));
  if (lockedAt === undefined) throw corrupt('has no lockedAt');
  return lockedAt;
}

function parseResponse(raw: object): { statusCode: number; body: unknown } {
  const statusCode: unknown = Reflect.get(raw, 'statusCode');
  const body: unknown = Reflect.get(raw, 'body');
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) throw corrupt('has no statusCode');
  if (typeof body !== 'string') throw corrupt('has no body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new OffchainError('CORRUPT_RECORD', 'idempotency record body is not JSON', { cause: error });
  }
  return { statusCode, body: parsed };
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
