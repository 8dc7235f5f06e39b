/**
 * Share links in the document database (collection `share_links`), indexed by resident and time.
 * A withdrawn link keeps its record, without its sealed content.
 */
import { HEALTH_RECORD_TYPES } from '@hdt/vocabulary';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ShareLinkStore, StoredShareLink } from './store';

export const SHARE_LINK_COLLECTION = 'share_links';

type ShareLinkDoc = Omit<StoredShareLink, 'linkId' | 'sealed'> & { _id: string; sealed: Buffer | null };

const shareLinkSchema = new Schema<ShareLinkDoc>(
  {
    _id: { type: String },
    residentId: { type: String, required: true },
    recordId: { type: String, required: true },
    recordType: { type: String, required: true, enum: HEALTH_RECORD_TYPES },
    fields: { type: [String], required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    withdrawnAt: { type: Date, default: null },
    sealed: { type: Buffer, default: null },
    opens: { type: Number, required: true },
  },
  { collection: SHARE_LINK_COLLECTION, versionKey: false },
);
shareLinkSchema.index({ residentId: 1, createdAt: -1 }, { name: 'resident_created' });
shareLinkSchema.index({ expiresAt: 1 }, { name: 'expires' });

export type ShareLinkModel = Model<ShareLinkDoc>;

export function shareLinkModel(connection: Connection): ShareLinkModel {
  if (connection.modelNames().includes('ShareLink')) return connection.model<ShareLinkDoc>('ShareLink');
  return connection.model<ShareLinkDoc>('ShareLink', shareLinkSchema, SHARE_LINK_COLLECTION);
}

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'bytes' });
const binary = z.object({ buffer: bytes }).transform((value) => value.buffer);

const storedSchema = z.object({
  _id: z.string(),
  residentId: z.string(),
  recordId: z.string(),
  recordType: z.enum(HEALTH_RECORD_TYPES),
  fields: z.array(z.string()),
  createdAt: z.date(),
  expiresAt: z.date(),
  withdrawnAt: z.date().nullable(),
  sealed: z.union([bytes, binary]).nullable(),
  opens: z.number().int(),
});

function fromDoc(doc: unknown): StoredShareLink | undefined {
  if (doc === null) return undefined;
  const { _id, sealed, ...rest } = storedSchema.parse(doc);
  return { linkId: _id, ...rest, sealed: sealed === null ? null : new Uint8Array(sealed) };
}

/** Database failures are never the caller's fault: 503, to be retried. */
async function stored<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new AppError('STORAGE_UNAVAILABLE', `${what}: the share-link store is unavailable`, { cause: err });
  }
}

export class MongoShareLinkStore implements ShareLinkStore {
  constructor(private readonly model: ShareLinkModel) {}

  add(link: StoredShareLink): Promise<void> {
    const { linkId, sealed, ...rest } = link;
    return stored('share', async () => {
      await this.model.create({ _id: linkId, ...rest, sealed: sealed === null ? null : Buffer.from(sealed) });
    });
  }

  get(linkId: string): Promise<StoredShareLink | undefined> {
    return stored('read a share link', async () => fromDoc(await this.model.findById(linkId).lean()));
  }

  byResident(residentId: string, limit: number): Promise<StoredShareLink[]> {
    return stored('list share links', async () => {
      const docs = await this.model.find({ residentId }).sort({ createdAt: -1 }).limit(limit).lean();
      return docs.flatMap((doc) => fromDoc(doc) ?? []);
    });
  }

  withdraw(linkId: string, at: Date): Promise<StoredShareLink | undefined> {
    return stored('withdraw a share link', async () => {
      await this.model.updateOne({ _id: linkId, withdrawnAt: null }, { $set: { withdrawnAt: at } });
      const doc = await this.model.findByIdAndUpdate(linkId, { $set: { sealed: null } }, { new: true }).lean();
      return fromDoc(doc);
    });
  }

  countOpen(linkId: string): Promise<void> {
    return stored('count an open', async () => {
      await this.model.updateOne({ _id: linkId }, { $inc: { opens: 1 } });
    });
  }

  discard(linkId: string): Promise<void> {
    return stored('discard a share link', async () => {
      await this.model.updateOne({ _id: linkId }, { $set: { sealed: null } });
    });
  }

  discardExpired(now: Date): Promise<number> {
    return stored('discard expired share links', async () => {
      const filter = { expiresAt: { $lte: now }, sealed: { $type: 'binData' as const } };
      return (await this.model.updateMany(filter, { $set: { sealed: null } })).modifiedCount;
    });
  }
}
