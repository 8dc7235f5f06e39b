/** Reconciliation jobs in the document database (collection reconciliation_jobs). */
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import {
  RECONCILIATION_JOB_STATES,
  type JobChanges,
  type ReconciliationJob,
  type ReconciliationJobStore,
} from './reconciliation-jobs';
import { orphanReportSchema, reconciliationResponseSchema } from './reconciliation-schemas';

export const RECONCILIATION_JOB_COLLECTION = 'reconciliation_jobs';

type JobDoc = Omit<ReconciliationJob, 'id'> & { _id: string };

const jobSchema = new Schema<JobDoc>(
  {
    _id: { type: String },
    issuerMsp: { type: String, required: true },
    readAs: { type: String, required: true },
    requestedBy: { type: String, required: true },
    state: { type: String, required: true, enum: RECONCILIATION_JOB_STATES },
    checked: { type: Number, required: true, min: 0 },
    total: { type: Number, required: true, min: 0 },
    report: { type: Schema.Types.Mixed },
    orphans: { type: Schema.Types.Mixed },
    unpinned: { type: [String], default: undefined },
    lastError: { type: String, default: '' },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { collection: RECONCILIATION_JOB_COLLECTION, versionKey: false },
);
// The running job of an issuer, and the jobs interrupted at start.
jobSchema.index({ state: 1, issuerMsp: 1 });

export type ReconciliationJobModel = Model<JobDoc>;

export function reconciliationJobModel(connection: Connection): ReconciliationJobModel {
  if (connection.modelNames().includes('ReconciliationJob')) return connection.model<JobDoc>('ReconciliationJob');
  return connection.model<JobDoc>('ReconciliationJob', jobSchema, RECONCILIATION_JOB_COLLECTION);
}

const storedJob = z.object({
  _id: z.string(),
  issuerMsp: z.string(),
  readAs: z.string(),
  requestedBy: z.string(),
  state: z.enum(RECONCILIATION_JOB_STATES),
  checked: z.number(),
  total: z.number(),
  report: reconciliationResponseSchema.optional(),
  orphans: orphanReportSchema.optional(),
  unpinned: z.array(z.string()).optional(),
  lastError: z.string().default(''),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toJob(raw: unknown): ReconciliationJob {
  const parsed = storedJob.safeParse(raw);
  if (!parsed.success) throw new Error('a stored reconciliation job has an unexpected shape');
  const { _id, ...rest } = parsed.data;
  return { id: _id, ...rest };
}

export class MongoReconciliationJobStore implements ReconciliationJobStore {
  constructor(private readonly model: ReconciliationJobModel) {}

  async create(job: ReconciliationJob): Promise<void> {
    const { id, ...rest } = job;
    await this.model.create({ _id: id, ...rest });
  }

  async find(id: string): Promise<ReconciliationJob | undefined> {
    const raw: unknown = await this.model.findById(id).lean().exec();
    return raw === null ? undefined : toJob(raw);
  }

  async running(issuerMsp: string): Promise<ReconciliationJob | undefined> {
    const raw: unknown = await this.model.findOne({ state: 'running', issuerMsp }).lean().exec();
    return raw === null ? undefined : toJob(raw);
  }

  async interrupted(): Promise<ReconciliationJob[]> {
    const rows: unknown[] = await this.model.find({ state: 'running' }).lean().exec();
    return rows.map(toJob);
  }

  async update(id: string, changes: JobChanges): Promise<void> {
    // A field left undefined is left as it is (never written as null).
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    await this.model.updateOne({ _id: id }, { $set: { ...set, updatedAt: new Date().toISOString() } }).exec();
  }
}
