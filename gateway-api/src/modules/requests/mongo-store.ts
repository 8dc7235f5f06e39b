/** Access requests in the document database (collection `access_requests`). */
import { ACCESS_REQUEST_STATUSES, CONSENT_PURPOSES, MspId } from '@hdt/vocabulary';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../../errors';
import { scopeViewSchema } from '../consent/schemas';
import type { AccessRequestStore, Decision, StoredAccessRequest } from './store';

export const ACCESS_REQUEST_COLLECTION = 'access_requests';

type RequestDoc = Omit<StoredAccessRequest, 'requestId'> & { _id: string };

const requestSchema = new Schema<RequestDoc>(
  {
    _id: { type: String },
    residentId: { type: String, required: true },
    doctor: { type: Schema.Types.Mixed, required: true },
    purpose: { type: String, required: true, enum: CONSENT_PURPOSES },
    scope: { type: Schema.Types.Mixed, required: true },
    notBefore: { type: String, required: true },
    notAfter: { type: String, required: true },
    useLimit: { type: Number, default: null },
    referralId: { type: String, default: null },
    message: { type: String, default: '' },
    status: { type: String, required: true, enum: ACCESS_REQUEST_STATUSES },
    createdAt: { type: String, required: true },
    answerBy: { type: String, required: true },
    decidedAt: { type: String, default: null },
    grantId: { type: String, default: null },
    txId: { type: String, default: null },
    reason: { type: String, default: null },
  },
  { collection: ACCESS_REQUEST_COLLECTION, versionKey: false, minimize: false },
);
requestSchema.index({ residentId: 1, createdAt: -1 });
requestSchema.index({ 'doctor.username': 1, createdAt: -1 });

export type AccessRequestModel = Model<RequestDoc>;

export function accessRequestModel(connection: Connection): AccessRequestModel {
  if (connection.modelNames().includes('AccessRequest')) return connection.model<RequestDoc>('AccessRequest');
  return connection.model<RequestDoc>('AccessRequest', requestSchema, ACCESS_REQUEST_COLLECTION);
}

const nullableString = z.string().nullable().default(null);
const storedSchema = z.object({
  _id: z.string(),
  residentId: z.string(),
  doctor: z.object({
    username: z.string(),
    mspId: z.enum(MspId),
    displayName: z.string(),
    department: nullableString,
  }),
  purpose: z.enum(CONSENT_PURPOSES),
  scope: scopeViewSchema,
  notBefore: z.string(),
  notAfter: z.string(),
  useLimit: z.number().int().nullable().default(null),
  referralId: nullableString,
  message: z.string().default(''),
  status: z.enum(ACCESS_REQUEST_STATUSES),
  createdAt: z.string(),
  answerBy: z.string(),
  decidedAt: nullableString,
  grantId: nullableString,
  txId: nullableString,
  reason: nullableString,
});

function fromDoc(doc: unknown): StoredAccessRequest {
  const { _id, ...rest } = storedSchema.parse(doc);
  return { requestId: _id, ...rest };
}

async function stored<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('STORAGE_UNAVAILABLE', `${what}: the request store is unavailable`, { cause: err });
  }
}

export class MongoAccessRequestStore implements AccessRequestStore {
  constructor(private readonly model: AccessRequestModel) {}

  create(request: StoredAccessRequest): Promise<void> {
    const { requestId, ...rest } = request;
    return stored('store the request', async () => {
      await this.model.create({ _id: requestId, ...rest });
    });
  }

  get(requestId: string): Promise<StoredAccessRequest | undefined> {
    return stored('read the request', async () => {
      const doc = await this.model.findById(requestId).lean();
      return doc === null ? undefined : fromDoc(doc);
    });
  }

  list(owner: { residentId: string } | { doctor: string }, limit: number): Promise<StoredAccessRequest[]> {
    const filter = 'residentId' in owner ? { residentId: owner.residentId } : { 'doctor.username': owner.doctor };
    return stored('list requests', async () => {
      const docs = await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
      return docs.map(fromDoc);
    });
  }

  decide(requestId: string, decision: Decision): Promise<StoredAccessRequest | undefined> {
    return stored('decide the request', async () => {
      const filter = { _id: requestId, status: 'PENDING' };
      const doc = await this.model.findOneAndUpdate(filter, { $set: decision }, { new: true }).lean();
      return doc === null ? undefined : fromDoc(doc);
    });
  }
}
