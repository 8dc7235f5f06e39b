/** Migration jobs and items in the document database (collections migration_jobs, migration_items). */
import { INVOICE_TYPES } from '@hdt/vocabulary';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import {
  emptyCounts,
  ITEM_STATES,
  JOB_STATES,
  type ItemState,
  type MigrationItem,
  type MigrationJob,
  type MigrationStore,
  type StateCounts,
} from './store';

export const MIGRATION_JOB_COLLECTION = 'migration_jobs';
export const MIGRATION_ITEM_COLLECTION = 'migration_items';

type JobDoc = Omit<MigrationJob, 'id'> & { _id: string };
type ItemDoc = Omit<MigrationItem, 'id'> & { _id: string };

const jobSchema = new Schema<JobDoc>(
  {
    _id: { type: String },
    mspId: { type: String, required: true },
    sourceId: { type: String, required: true },
    description: { type: String, default: '' },
    unitName: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: String, required: true },
    sealed: { type: Boolean, required: true },
    state: { type: String, required: true, enum: JOB_STATES },
    lastError: { type: String, default: '' },
    updatedAt: { type: String, required: true },
  },
  { collection: MIGRATION_JOB_COLLECTION, versionKey: false },
);
jobSchema.index({ mspId: 1, sourceId: 1 }, { unique: true });

const itemSchema = new Schema<ItemDoc>(
  {
    _id: { type: String },
    jobId: { type: String, required: true },
    seq: { type: Number, required: true },
    code: { type: String, required: true },
    number: { type: String, required: true },
    type: { type: String, required: true, enum: INVOICE_TYPES },
    totalAmount: { type: Number, required: true },
    issuedAt: { type: String, required: true },
    sourceDigest: { type: String, required: true },
    state: { type: String, required: true, enum: ITEM_STATES },
    prepared: { type: Schema.Types.Mixed },
    txId: { type: String },
    reason: { type: String },
  },
  { collection: MIGRATION_ITEM_COLLECTION, versionKey: false },
);
itemSchema.index({ jobId: 1, state: 1, seq: 1 });
itemSchema.index({ jobId: 1, seq: 1 });

export type MigrationJobModel = Model<JobDoc>;
export type MigrationItemModel = Model<ItemDoc>;

export function migrationJobModel(connection: Connection): MigrationJobModel {
  if (connection.modelNames().includes('MigrationJob')) return connection.model<JobDoc>('MigrationJob');
  return connection.model<JobDoc>('MigrationJob', jobSchema, MIGRATION_JOB_COLLECTION);
}

export function migrationItemModel(connection: Connection): MigrationItemModel {
  if (connection.modelNames().includes('MigrationItem')) return connection.model<ItemDoc>('MigrationItem');
  return connection.model<ItemDoc>('MigrationItem', itemSchema, MIGRATION_ITEM_COLLECTION);
}

const docRef = z.object({ cid: z.string(), sm3: z.string(), keyId: z.string(), size: z.number() });
const storedJob = z.object({
  _id: z.string(),
  mspId: z.string(),
  sourceId: z.string(),
  description: z.string().default(''),
  unitName: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  sealed: z.boolean(),
  state: z.enum(JOB_STATES),
  lastError: z.string().default(''),
  updatedAt: z.string(),
});
const storedItem = z.object({
  _id: z.string(),
  jobId: z.string(),
  seq: z.number(),
  code: z.string(),
  number: z.string(),
  type: z.enum(INVOICE_TYPES),
  totalAmount: z.number(),
  issuedAt: z.string(),
  sourceDigest: z.string(),
  state: z.enum(ITEM_STATES),
  prepared: z
    .object({
      checkCodeSalt: z.string(),
      checkCodeIterations: z.number(),
      checkCodeHash: z.string(),
      payerPseudonym: z.string(),
      payment: z.object({
        medicalInsuranceFund: z.number(),
        personalAccount: z.number(),
        otherFund: z.number(),
        selfPay: z.number(),
      }),
      reimbursableAmount: z.number(),
      data: docRef,
      pdf: docRef,
    })
    .optional(),
  txId: z.string().optional(),
  reason: z.string().optional(),
});

function toJob(raw: unknown): MigrationJob {
  const { _id, ...rest } = storedJob.parse(raw);
  return { id: _id, ...rest };
}

function toItem(raw: unknown): MigrationItem {
  const { _id, ...rest } = storedItem.parse(raw);
  return { id: _id, ...rest };
}

function itemDoc(item: MigrationItem): ItemDoc {
  const { id, ...rest } = item;
  return { _id: id, ...rest };
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export class MongoMigrationStore implements MigrationStore {
  constructor(
    private readonly jobs: MigrationJobModel,
    private readonly items: MigrationItemModel,
  ) {}

  async createJob(job: MigrationJob): Promise<{ job: MigrationJob; created: boolean }> {
    const { id, ...rest } = job;
    try {
      await this.jobs.create({ _id: id, ...rest });
      return { job, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing: unknown = await this.jobs.findOne({ mspId: job.mspId, sourceId: job.sourceId }).lean().exec();
    return { job: toJob(existing), created: false };
  }

  async findJob(id: string): Promise<MigrationJob | undefined> {
    const raw: unknown = await this.jobs.findById(id).lean().exec();
    return raw === null ? undefined : toJob(raw);
  }

  async interruptedJobs(): Promise<MigrationJob[]> {
    const rows: unknown[] = await this.jobs.find({ state: 'running' }).lean().exec();
    return rows.map(toJob);
  }

  async updateJob(id: string, changes: Partial<Pick<MigrationJob, 'sealed' | 'state' | 'lastError'>>): Promise<void> {
    await this.jobs.updateOne({ _id: id }, { $set: { ...changes, updatedAt: new Date().toISOString() } }).exec();
  }

  async insertItem(item: MigrationItem): Promise<MigrationItem | undefined> {
    try {
      await this.items.create(itemDoc(item));
      return undefined;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing: unknown = await this.items.findById(item.id).lean().exec();
    return toItem(existing);
  }

  async findItems(ids: readonly string[]): Promise<MigrationItem[]> {
    if (ids.length === 0) return [];
    const raw: unknown[] = await this.items
      .find({ _id: { $in: [...ids] } })
      .lean()
      .exec();
    return raw.map(toItem);
  }

  async saveItems(items: readonly MigrationItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.items.bulkWrite(
      items.map((item) => ({ replaceOne: { filter: { _id: item.id }, replacement: itemDoc(item), upsert: true } })),
      { ordered: false },
    );
  }

  async itemsInState(jobId: string, state: ItemState, limit: number): Promise<MigrationItem[]> {
    const raw: unknown[] = await this.items.find({ jobId, state }).sort({ seq: 1 }).limit(limit).lean().exec();
    return raw.map(toItem);
  }

  async countByState(jobId: string): Promise<StateCounts> {
    const counts = emptyCounts();
    await Promise.all(
      ITEM_STATES.map(async (state) => {
        counts[state] = await this.items.countDocuments({ jobId, state }).exec();
      }),
    );
    return counts;
  }

  async allItems(jobId: string): Promise<MigrationItem[]> {
    const raw: unknown[] = await this.items.find({ jobId }).sort({ seq: 1 }).lean().exec();
    return raw.map(toItem);
  }
}
