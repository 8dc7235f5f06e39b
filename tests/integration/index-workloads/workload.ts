/**
 * A workload of the index test: the models of some collections (as the gateway registers them),
 * documents to seed them with in the shape their schemas store, and a run of every method of the
 * store that reads and writes them, through its real code.
 */
import { createHash } from 'node:crypto';
import type { ModelRegistration } from '@hdt/offchain-store';
import type { Connection } from 'mongoose';

export interface Workload {
  /** The models of its collections: their indexes are created before seeding, as at the gateway's start. */
  readonly models: readonly ModelRegistration[];
  /** Fills each collection with about `size` documents, inserted on the raw collection. */
  seed(connection: Connection, size: number): Promise<void>;
  /** Calls every method of the store over the connection. */
  exercise(connection: Connection): Promise<void>;
}

/** A stable 64-hex-character pseudonym (SM3 of the label), as resident ids and digests are. */
export function hex64(label: string): string {
  return createHash('sm3').update(label, 'utf8').digest('hex');
}

/** The `i`-th value of a list, round robin. */
export function nth<T>(values: readonly T[], i: number): T {
  const value = values[i % values.length];
  if (value === undefined) throw new Error('nth of an empty list');
  return value;
}

/** `size` items made by `make`, for insertMany. */
export function many<T>(size: number, make: (i: number) => T): T[] {
  return Array.from({ length: size }, (_, i) => make(i));
}

/** A time `seconds` before `from`. */
export function before(from: Date, seconds: number): Date {
  return new Date(from.getTime() - seconds * 1000);
}

/** Inserts documents as they are (no casting, no defaults) into a model's collection. */
export async function insertRaw(
  model: { db: Connection; collection: { collectionName: string } },
  docs: readonly { _id: string | number }[],
): Promise<void> {
  const db = model.db.db;
  if (db === undefined) throw new Error('not connected');
  await db.collection<{ _id: string | number }>(model.collection.collectionName).insertMany([...docs]);
}
