/**
 * The orphan search over the real stores: the pins of the Kubo node (its RPC API), the CIDs and
 * data key ids the document database refers to, the data keys in `data_keys`, and the first
 * sightings in `blob_orphan_sightings`.
 */
import { DATA_KEY_COLLECTION } from '@hdt/offchain-store';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { RECONCILIATION_JOB_COLLECTION } from './reconciliation-job-model';
import {
  valuesNamed,
  type CidReferences,
  type LiveDataKeys,
  type OrphanSightings,
  type PinnedBlobs,
  type References,
} from './blob-orphans';

const ORPHAN_SIGHTING_COLLECTION_NAME = 'blob_orphan_sightings';

/**
 * Collections never searched for references: the keys themselves, the sightings, the jobs' orphan
 * reports (they list orphans, they do not refer to them), and the access log (large, and it names
 * no document). Every other collection is searched, so a collection added later that refers to
 * ciphertext can never have its blobs or keys taken for orphans.
 */
export const UNREFERENCING_COLLECTIONS: readonly string[] = [
  DATA_KEY_COLLECTION,
  ORPHAN_SIGHTING_COLLECTION_NAME,
  RECONCILIATION_JOB_COLLECTION,
  'access_log',
  'access_log_sequence',
];

export class MongoCidReferences implements CidReferences {
  constructor(
    private readonly connection: Connection,
    private readonly skipped: readonly string[] = UNREFERENCING_COLLECTIONS,
  ) {}

  async referenced(): Promise<References> {
    const db = this.connection.db;
    if (db === undefined) throw new Error('the database connection is not open');
    const found: References = { cids: new Set(), keyIds: new Set() };
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      if (name.startsWith('system.') || this.skipped.includes(name)) continue;
      for await (const doc of db.collection(name).find({})) {
        valuesNamed('cid', doc, found.cids);
        valuesNamed('keyId', doc, found.keyIds);
      }
    }
    return found;
  }
}

/** The data keys in `data_keys` (one per stored document), destroyed through the key store. */
export class MongoLiveDataKeys implements LiveDataKeys {
  constructor(
    private readonly connection: Connection,
    private readonly destroyKey: (keyId: string) => Promise<void>,
  ) {}

  async liveBefore(before: Date): Promise<string[]> {
    const db = this.connection.db;
    if (db === undefined) throw new Error('the database connection is not open');
    const rows = db
      .collection(DATA_KEY_COLLECTION)
      .find({ destroyedAt: null, createdAt: { $lte: before } }, { projection: { _id: 0, keyId: 1 } });
    const ids: string[] = [];
    for await (const row of rows) if (typeof row.keyId === 'string') ids.push(row.keyId);
    return ids;
  }

  destroy(keyId: string): Promise<void> {
    return this.destroyKey(keyId);
  }
}

interface SightingDoc {
  _id: string;
  firstSeenAt: Date;
}

export const ORPHAN_SIGHTING_COLLECTION = ORPHAN_SIGHTING_COLLECTION_NAME;

const sightingSchema = new Schema<SightingDoc>(
  { _id: { type: String }, firstSeenAt: { type: Date, required: true } },
  { collection: ORPHAN_SIGHTING_COLLECTION, versionKey: false },
);

export function orphanSightingModel(connection: Connection): Model<SightingDoc> {
  if (connection.modelNames().includes('OrphanSighting')) return connection.model<SightingDoc>('OrphanSighting');
  return connection.model<SightingDoc>('OrphanSighting', sightingSchema, ORPHAN_SIGHTING_COLLECTION);
}

const storedSighting = z.object({ _id: z.string(), firstSeenAt: z.date() });

export class MongoOrphanSightings implements OrphanSightings {
  constructor(private readonly model: Model<SightingDoc>) {}

  async sight(cids: readonly string[], now: Date): Promise<Map<string, Date>> {
    await this.model.deleteMany({ _id: { $nin: [...cids] } }).exec();
    if (cids.length > 0) {
      await this.model.bulkWrite(
        cids.map((cid) => ({
          updateOne: { filter: { _id: cid }, update: { $setOnInsert: { firstSeenAt: now } }, upsert: true },
        })),
        { ordered: false },
      );
    }
    const rows: unknown[] = await this.model.find({}).lean().exec();
    return new Map(rows.map((raw) => storedSighting.parse(raw)).map((row) => [row._id, row.firstSeenAt]));
  }
}

const pinListSchema = z.object({ Keys: z.record(z.string(), z.unknown()).nullable().optional() });
const TIMEOUT_MS = 30_000;

/** Pins through the Kubo RPC API (`/api/v0/pin/ls`, `/api/v0/pin/rm`). */
export class KuboPins implements PinnedBlobs {
  constructor(private readonly apiUrl: string) {}

  async pinned(): Promise<string[]> {
    const res = await this.call('pin/ls', { type: 'recursive' });
    const parsed = pinListSchema.safeParse(await res.json());
    if (!parsed.success) throw new Error('IPFS pin/ls answered an unexpected shape');
    return Object.keys(parsed.data.Keys ?? {});
  }

  async unpin(cid: string): Promise<void> {
    const res = await this.call('pin/rm', { arg: cid }, true);
    if (res.ok) return;
    const text = await res.text();
    // Kubo answers "not pinned or pinned indirectly" for a CID it does not hold pinned.
    if (/not pinned/i.test(text)) return;
    throw new Error(`IPFS pin/rm ${cid}: ${res.status} ${text.slice(0, 200)}`);
  }

  private async call(command: string, query: Record<string, string>, allowError = false): Promise<Response> {
    const url = new URL(`api/v0/${command}`, this.apiUrl.endsWith('/') ? this.apiUrl : `${this.apiUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok && !allowError) throw new Error(`IPFS ${command}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res;
  }
}
