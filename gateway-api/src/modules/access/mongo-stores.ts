/**
 * The access log and the record contents in the document database. An access record is kept as
 * written (`entry`, a plain JSON object: its canonical JSON is its Merkle leaf's input), with the
 * fields lists are found by copied beside it. Nothing here deletes an access record: the log is
 * kept at least ACCESS_LOG_RETENTION_DAYS (in this release, indefinitely).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import type { StoredDocument } from '../../ports';
import { anchorRefSchema, type AccessEntry, type AnchorRef } from './schemas';
import type { AccessLog, LoggedAccess, RecordContents, StoredContent } from './stores';

interface AccessLogDoc {
  _id: string;
  seq: number;
  /** Null for a read of an id that names no record. */
  residentId: string | null;
  breakGlass: boolean;
  anchored: boolean;
  loggedAt: Date;
  entry: unknown;
  anchor: unknown;
}

interface SequenceDoc {
  _id: string;
  seq: number;
}

const accessLogSchema = new Schema<AccessLogDoc>(
  {
    _id: { type: String },
    seq: { type: Number, required: true },
    residentId: { type: String, default: null },
    breakGlass: { type: Boolean, required: true },
    anchored: { type: Boolean, required: true },
    loggedAt: { type: Date, required: true },
    entry: { type: Schema.Types.Mixed, required: true },
    anchor: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'access_log', versionKey: false, minimize: false },
);
accessLogSchema.index({ seq: 1 }, { name: 'seq', unique: true });
accessLogSchema.index({ residentId: 1, seq: -1 }, { name: 'resident_seq' });
accessLogSchema.index({ breakGlass: 1, seq: -1 }, { name: 'break_glass_seq' });
accessLogSchema.index({ anchored: 1, seq: 1 }, { name: 'anchored_seq' });

const sequenceSchema = new Schema<SequenceDoc>(
  { _id: { type: String }, seq: { type: Number, required: true } },
  { collection: 'access_log_sequence', versionKey: false },
);

const storedDocumentSchema = new Schema<StoredDocument>(
  { cid: String, sm3: String, keyId: String, size: Number },
  { _id: false },
);

const contentSchema = new Schema<StoredContent & { _id: string }>(
  {
    _id: { type: String },
    recordId: { type: String, required: true },
    digest: { type: String, required: true },
    document: { type: storedDocumentSchema, required: true },
    attachment: {
      type: new Schema({ cid: String, sm3: String, keyId: String, size: Number, contentType: String }, { _id: false }),
      default: null,
    },
    storedBy: { type: String, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: 'record_contents', versionKey: false },
);

function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  if (connection.modelNames().includes(name)) return connection.model<T>(name);
  return connection.model<T>(name, schema);
}

export const accessLogModel = (connection: Connection) => modelOn(connection, 'AccessLog', accessLogSchema);
export const accessSequenceModel = (connection: Connection) => modelOn(connection, 'AccessLogSequence', sequenceSchema);
export const recordContentModel = (connection: Connection) => modelOn(connection, 'RecordContent', contentSchema);

function toLogged(doc: AccessLogDoc): LoggedAccess {
  const anchor = anchorRefSchema.safeParse(doc.anchor);
  return {
    accessId: doc._id,
    seq: doc.seq,
    raw: doc.entry,
    anchor: anchor.success ? anchor.data : null,
    loggedAt: doc.loggedAt,
  };
}

export class MongoAccessLog implements AccessLog {
  constructor(
    private readonly log: Model<AccessLogDoc>,
    private readonly sequence: Model<SequenceDoc>,
  ) {}

  async append(entry: AccessEntry): Promise<LoggedAccess> {
    const counter = await this.sequence
      .findOneAndUpdate({ _id: 'access-log' }, { $inc: { seq: 1 } }, { upsert: true, new: true })
      .lean();
    const doc: AccessLogDoc = {
      _id: entry.accessId,
      seq: counter.seq,
      residentId: entry.residentId,
      breakGlass: entry.breakGlass,
      anchored: false,
      loggedAt: new Date(),
      entry: { ...entry },
      anchor: null,
    };
    await this.log.create(doc);
    return toLogged(doc);
  }

  async get(accessId: string): Promise<LoggedAccess | undefined> {
    const doc = await this.log.findById(accessId).lean<AccessLogDoc>();
    return doc === null ? undefined : toLogged(doc);
  }

  async getMany(accessIds: readonly string[]): Promise<LoggedAccess[]> {
    const docs = await this.log.find({ _id: { $in: [...accessIds] } }).lean<AccessLogDoc[]>();
    return docs.map(toLogged);
  }

  async byResident(residentId: string, limit: number): Promise<LoggedAccess[]> {
    const docs = await this.log.find({ residentId }).sort({ seq: -1 }).limit(limit).lean<AccessLogDoc[]>();
    return docs.map(toLogged);
  }

  async breakGlass(limit: number): Promise<LoggedAccess[]> {
    const docs = await this.log.find({ breakGlass: true }).sort({ seq: -1 }).limit(limit).lean<AccessLogDoc[]>();
    return docs.map(toLogged);
  }

  async unanchored(limit: number): Promise<LoggedAccess[]> {
    const docs = await this.log.find({ anchored: false }).sort({ seq: 1 }).limit(limit).lean<AccessLogDoc[]>();
    return docs.map(toLogged);
  }

  async markAnchored(marks: readonly { accessId: string; anchor: AnchorRef }[]): Promise<void> {
    if (marks.length === 0) return;
    await this.log.bulkWrite(
      marks.map(({ accessId, anchor }) => ({
        updateOne: { filter: { _id: accessId }, update: { $set: { anchored: true, anchor } } },
      })),
    );
  }

  countUnanchoredBefore(before: Date): Promise<number> {
    return this.log.countDocuments({ anchored: false, loggedAt: { $lt: before } });
  }
}

const storedContentShape = z.object({
  recordId: z.string(),
  digest: z.string(),
  document: z.object({ cid: z.string(), sm3: z.string(), keyId: z.string(), size: z.number() }),
  attachment: z
    .object({ cid: z.string(), sm3: z.string(), keyId: z.string(), size: z.number(), contentType: z.string() })
    .nullable(),
  storedBy: z.string(),
  storedAt: z.date(),
});

function toContent(doc: unknown): StoredContent | undefined {
  const parsed = storedContentShape.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

export class MongoRecordContents implements RecordContents {
  constructor(private readonly model: Model<StoredContent & { _id: string }>) {}

  async put(content: StoredContent): Promise<StoredContent | undefined> {
    const previous = await this.model
      .findOneAndReplace({ _id: content.recordId }, { _id: content.recordId, ...content }, { upsert: true })
      .lean();
    return previous === null ? undefined : toContent(previous);
  }

  async get(recordId: string): Promise<StoredContent | undefined> {
    return toContent(await this.model.findById(recordId).lean());
  }
}
