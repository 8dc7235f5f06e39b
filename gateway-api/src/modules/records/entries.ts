/**
 * The index entries this gateway registered, kept in `record_entries` with their diagnosis codes
 * (which stay off chain): the EMPI view finds a patient's records here by organisation and patient
 * pseudonym. The ledger stays the authority on each record (GET /records/{id} proves it).
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface RecordEntry {
  recordId: string;
  sourceOrg: string;
  patientId: string;
  encounterId: string;
  type: string;
  recordedAt: string;
  batchId: string;
  diagnosisCodes: string[];
}

export interface PatientKey {
  org: string;
  patientId: string;
}

export interface RecordEntries {
  /** Idempotent: an entry saved twice stays one. */
  save(entries: readonly RecordEntry[]): Promise<void>;
  /** The entries of these patients, oldest record first. */
  ofPatients(patients: readonly PatientKey[]): Promise<RecordEntry[]>;
}

const byTime = (a: RecordEntry, b: RecordEntry) =>
  a.recordedAt === b.recordedAt ? a.recordId.localeCompare(b.recordId) : a.recordedAt.localeCompare(b.recordedAt);

export class InMemoryRecordEntries implements RecordEntries {
  private readonly entries = new Map<string, RecordEntry>();

  save(entries: readonly RecordEntry[]): Promise<void> {
    for (const entry of entries) this.entries.set(entry.recordId, { ...entry });
    return Promise.resolve();
  }

  ofPatients(patients: readonly PatientKey[]): Promise<RecordEntry[]> {
    const wanted = new Set(patients.map((p) => `${p.org}/${p.patientId}`));
    const found = [...this.entries.values()].filter((e) => wanted.has(`${e.sourceOrg}/${e.patientId}`));
    return Promise.resolve(found.sort(byTime));
  }
}

interface RecordEntryDoc extends RecordEntry {
  _id: string;
}

export const recordEntrySchema = new Schema<RecordEntryDoc>(
  {
    _id: { type: String, required: true },
    recordId: { type: String, required: true },
    sourceOrg: { type: String, required: true },
    patientId: { type: String, required: true },
    encounterId: { type: String, required: true },
    type: { type: String, required: true },
    recordedAt: { type: String, required: true },
    batchId: { type: String, required: true },
    diagnosisCodes: { type: [String], default: [] },
  },
  { collection: 'record_entries', versionKey: false, strict: 'throw' },
);
recordEntrySchema.index({ sourceOrg: 1, patientId: 1, recordedAt: 1 }, { name: 'org_patient_time' });

export function recordEntryModel(connection: Connection): Model<RecordEntryDoc> {
  const name = 'RecordEntry';
  return connection.modelNames().includes(name)
    ? connection.model<RecordEntryDoc>(name)
    : connection.model<RecordEntryDoc>(name, recordEntrySchema);
}

export class MongoRecordEntries implements RecordEntries {
  constructor(private readonly model: Model<RecordEntryDoc>) {}

  async save(entries: readonly RecordEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.model.bulkWrite(
      entries.map((entry) => ({
        replaceOne: { filter: { _id: entry.recordId }, replacement: { _id: entry.recordId, ...entry }, upsert: true },
      })),
    );
  }

  async ofPatients(patients: readonly PatientKey[]): Promise<RecordEntry[]> {
    if (patients.length === 0) return [];
    const filter = { $or: patients.map((p) => ({ sourceOrg: p.org, patientId: p.patientId })) };
    const docs = await this.model.find(filter).lean<RecordEntryDoc[]>();
    return docs
      .map(({ recordId, sourceOrg, patientId, encounterId, type, recordedAt, batchId, diagnosisCodes }) => ({
        recordId,
        sourceOrg,
        patientId,
        encounterId,
        type,
        recordedAt,
        batchId,
        diagnosisCodes: [...diagnosisCodes],
      }))
      .sort(byTime);
  }
}
