/**
 * The error store and the daily quality counts in the document database: collections
 * `record_quality_errors` (one document per rejected entry, found by organisation, status and id)
 * and `record_quality_daily` (one document per organisation and day, counters incremented).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { QUALITY_RULE_IDS, type SubmittedEntry, type Violation } from './quality-rules';
import {
  QUALITY_ERROR_STATUSES,
  type DailyQuality,
  type ErrorPage,
  type ErrorQuery,
  type QualityError,
  type QualityStore,
  type Resolution,
} from './quality-store';

interface QualityErrorDoc {
  _id: string;
  org: string;
  submittedBy: string;
  submittedAt: Date;
  batchIndex: number;
  entry: SubmittedEntry;
  violations: Violation[];
  status: QualityError['status'];
  resolution: Resolution | null;
}

interface DailyDoc {
  _id: string;
  org: string;
  day: string;
  accepted: number;
  rejected: number;
}

const violationSchema = new Schema<Violation>(
  {
    rule: { type: String, required: true, enum: QUALITY_RULE_IDS },
    field: { type: String, required: true },
    message: { type: String, required: true },
  },
  { _id: false },
);

export const qualityErrorSchema = new Schema<QualityErrorDoc>(
  {
    _id: { type: String, required: true, match: /^[0-9a-f]{24}$/ },
    org: { type: String, required: true },
    submittedBy: { type: String, required: true },
    submittedAt: { type: Date, required: true },
    batchIndex: { type: Number, required: true, min: 0 },
    entry: { type: Schema.Types.Mixed, required: true },
    violations: { type: [violationSchema], required: true },
    status: { type: String, required: true, enum: QUALITY_ERROR_STATUSES },
    resolution: {
      type: new Schema<Resolution>({ at: Date, by: String, recordId: String, batchId: String }, { _id: false }),
      default: null,
    },
  },
  { collection: 'record_quality_errors', versionKey: false, strict: 'throw', minimize: false },
);
// The list: an organisation's errors (of a status), newest first.
qualityErrorSchema.index({ org: 1, status: 1, _id: -1 }, { name: 'org_status_id' });
qualityErrorSchema.index({ org: 1, _id: -1 }, { name: 'org_id' });

export const dailyQualitySchema = new Schema<DailyDoc>(
  {
    _id: { type: String, required: true },
    org: { type: String, required: true },
    day: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    accepted: { type: Number, required: true, min: 0 },
    rejected: { type: Number, required: true, min: 0 },
  },
  { collection: 'record_quality_daily', versionKey: false, strict: 'throw' },
);
dailyQualitySchema.index({ day: 1, org: 1 }, { name: 'day_org' });
dailyQualitySchema.index({ org: 1, day: 1 }, { name: 'org_day' });

function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return connection.modelNames().includes(name) ? connection.model<T>(name) : connection.model<T>(name, schema);
}

export const qualityErrorModel = (c: Connection): Model<QualityErrorDoc> =>
  modelOn(c, 'RecordQualityError', qualityErrorSchema);
export const dailyQualityModel = (c: Connection): Model<DailyDoc> =>
  modelOn(c, 'RecordQualityDaily', dailyQualitySchema);

function fromDoc(doc: QualityErrorDoc): QualityError {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest, resolution: doc.resolution ?? null };
}

export class MongoQualityStore implements QualityStore {
  constructor(
    private readonly errors: Model<QualityErrorDoc>,
    private readonly days: Model<DailyDoc>,
  ) {}

  async addErrors(errors: readonly QualityError[]): Promise<void> {
    if (errors.length === 0) return;
    await this.errors.insertMany(errors.map(({ id, ...rest }) => ({ _id: id, ...rest })));
  }

  async listErrors(org: string, query: ErrorQuery): Promise<ErrorPage> {
    const filter = {
      org,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.after === undefined ? {} : { _id: { $lt: query.after } }),
    };
    const docs = await this.errors
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean<QualityErrorDoc[]>();
    const items = docs.slice(0, query.limit).map(fromDoc);
    return { items, next: docs.length > query.limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  async getError(org: string, id: string): Promise<QualityError | undefined> {
    const doc = await this.errors.findOne({ _id: id, org }).lean<QualityErrorDoc>();
    return doc === null ? undefined : fromDoc(doc);
  }

  async resolve(org: string, id: string, resolution: Resolution): Promise<boolean> {
    const result = await this.errors.updateOne(
      { _id: id, org, status: 'OPEN' },
      { $set: { status: 'RESOLVED', resolution } },
    );
    return result.modifiedCount === 1;
  }

  async count(org: string, day: string, accepted: number, rejected: number): Promise<void> {
    await this.days.updateOne(
      { _id: `${org}/${day}` },
      { $setOnInsert: { org, day }, $inc: { accepted, rejected } },
      { upsert: true },
    );
  }

  async daily(org: string | undefined, from: string, to: string): Promise<DailyQuality[]> {
    const filter = { day: { $gte: from, $lte: to }, ...(org === undefined ? {} : { org }) };
    const docs = await this.days.find(filter).sort({ day: 1, org: 1 }).lean<DailyDoc[]>();
    return docs.map(({ org: o, day, accepted, rejected }) => ({ org: o, day, accepted, rejected }));
  }
}
