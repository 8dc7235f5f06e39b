/**
 * Share links in the document database (collection `share_links`), indexed by resident and time.
 * A withdrawn link keeps its record, without its sealed content. `sealedUntil` is the link's
 * expiry while its sealed content is held, null once the content is gone: the sweep's index holds
 * a date only for links it may still have to clear, so each sweep reads the links that newly
 * expired, not every link that ever expired.
 */
import { HEALTH_RECORD_TYPES } from '@hdt/vocabulary';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ShareLinkStore, StoredShareLink } from './store';

export const SHARE_LINK_COLLECTION = 'share_links';

type ShareLinkDoc = Omit<StoredShareLink, 'linkId' | 'sealed'> & {
  _id: string;
  sealed: Buffer | null;
  sealedUntil: Date | null;
};

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
    sealedUntil: { type: Date, default: null },
    opens: { type: Number, required: true },
  },
  { collection: SHARE_LINK_COLLECTION, versionKey: false },
);
shareLinkSchema.index({ residentId: 1, createdAt: -1 }, { name: 'resident_created' });
shareLinkSchema.index({ sealedUntil: 1 }, { name: 'sealed_until' });

/** What clears a link's sealed content, and takes it out of the sweep's range. */
const CLEARED = { $set: { sealed: null, sealedUntil: null } };

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
      const held =
        sealed === null
          ? { sealed: null, sealedUntil: null }
          : { sealed: Buffer.from(sealed), sealedUntil: rest.expiresAt };
      await this.model.create({ _id: linkId, ...rest, ...held });
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
      const doc = await this.model.findByIdAndUpdate(linkId, CLEARED, { new: true }).lean();
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
      await this.model.updateOne({ _id: linkId }, CLEARED);
    });
  }

  discardExpired(now: Date): Promise<number> {
    return stored('discard expired share links', async () => {
      return (await this.model.updateMany({ sealedUntil: { $lte: now } }, CLEARED)).modifiedCount;
    });
  }

  /**
   * Links stored before `sealedUntil` existed: gives each its value (the expiry while content is
   * held, else null), so the sweep finds them. Run once at start-up; answers how many were given one.
   */
  adoptUnmarked(): Promise<number> {
    return stored('mark share links for the sweep', async () => {
      const unmarked = { sealedUntil: { $exists: false } };
      const cleared = await this.model.updateMany({ ...unmarked, sealed: null }, { $set: { sealedUntil: null } });
      const held = await this.model.find(unmarked, { expiresAt: 1 }).lean();
      for (const doc of held) {
        await this.model.updateOne({ _id: doc._id, ...unmarked }, { $set: { sealedUntil: doc.expiresAt } });
      }
      return cleared.modifiedCount + held.length;
    });
  }
}
