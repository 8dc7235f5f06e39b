/**
 * The record index kept off chain: entries (`record_entries`), rejected entries
 * (`record_quality_errors`) and daily counts (`record_quality_daily`) of the two hospitals.
 */
import { randomBytes } from 'node:crypto';
import { HEALTH_RECORD_TYPES, MspId } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import {
  dailyQualityModel,
  MongoQualityStore,
  MongoRecordEntries,
  qualityErrorModel,
  recordEntryModel,
} from '../../../gateway-api/src/modules/records';
import type { RecordEntry } from '../../../gateway-api/src/modules/records/entries';
import { cstDay, newErrorId, type QualityError } from '../../../gateway-api/src/modules/records/quality-store';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const HOSPITALS = [MspId.HOSPITAL1, MspId.HOSPITAL2];
const PATIENTS = 500;
const DAY_SECONDS = 86_400;

function entry(i: number, sourceOrg: string, patientId: string, recordedAt: Date): RecordEntry {
  return {
    recordId: `rec-${randomBytes(8).toString('hex')}`,
    sourceOrg,
    patientId,
    encounterId: `enc-${Math.floor(i / 3)}`,
    type: nth(HEALTH_RECORD_TYPES, i),
    recordedAt: recordedAt.toISOString(),
    batchId: `batch-${Math.floor(i / 50)}`,
    diagnosisCodes: ['J18.900'],
  };
}

function qualityError(i: number, org: string, at: Date): QualityError {
  const submitted = entry(i, org, hex64(`patient-${i % PATIENTS}`), at);
  return {
    id: newErrorId(at, i),
    org,
    submittedBy: 'doctor1',
    submittedAt: at,
    batchIndex: i % 50,
    entry: { ...submitted, digest: 'not-a-digest' },
    violations: [{ rule: 'DIGEST_FORMAT', field: 'digest', message: 'digest must be an SM3 digest' }],
    status: 'OPEN',
    resolution: null,
  };
}

/** Errors of the last `size` hours: all but the last day's resolved. */
function errorDocument(i: number, size: number, now: Date) {
  const at = before(now, (size - i) * 3600);
  const { id, ...rest } = qualityError(i, nth(HOSPITALS, i), at);
  if (size - i <= 24) return { _id: id, ...rest };
  const resolution = { at: before(at, -600), by: 'doctor1', recordId: `rec-fixed-${i}`, batchId: `batch-fixed-${i}` };
  return { _id: id, ...rest, status: 'RESOLVED', resolution };
}

/** One count per hospital and day, for the last `size` / 2 days. */
function dailyDocument(i: number, size: number, now: Date) {
  const org = nth(HOSPITALS, i);
  const day = cstDay(before(now, Math.floor((size - i) / HOSPITALS.length) * DAY_SECONDS));
  return { _id: `${org}/${day}`, org, day, accepted: 400 + (i % 50), rejected: i % 7 };
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  const entries = many(size, (i) => {
    const e = entry(i, nth(HOSPITALS, i), hex64(`patient-${i % PATIENTS}`), before(now, (size - i) * 600));
    return { _id: e.recordId, ...e };
  });
  await insertRaw(recordEntryModel(connection), entries);
  await insertRaw(
    qualityErrorModel(connection),
    many(size, (i) => errorDocument(i, size, now)),
  );
  await insertRaw(
    dailyQualityModel(connection),
    many(size, (i) => dailyDocument(i, size, now)),
  );
}

async function exerciseEntries(connection: Connection): Promise<void> {
  const entries = new MongoRecordEntries(recordEntryModel(connection));
  const patient = { org: MspId.HOSPITAL1, patientId: hex64('patient-exercise') };
  const saved = [entry(1, patient.org, patient.patientId, before(new Date(), 60))];
  saved.push(entry(2, patient.org, patient.patientId, new Date()));
  await entries.save(saved);
  await entries.save(saved);
  const other = { org: MspId.HOSPITAL2, patientId: hex64('patient-1') };
  expect(await entries.ofPatients([patient])).toEqual(saved);
  expect((await entries.ofPatients([patient, other])).length).toBeGreaterThan(saved.length);
}

async function exerciseQuality(connection: Connection): Promise<void> {
  const quality = new MongoQualityStore(qualityErrorModel(connection), dailyQualityModel(connection));
  const now = new Date();
  const errors = [qualityError(1, MspId.HOSPITAL1, now), qualityError(2, MspId.HOSPITAL1, now)];
  await quality.addErrors(errors);
  const page = await quality.listErrors(MspId.HOSPITAL1, { limit: 1 });
  expect(page.next).not.toBeNull();
  await quality.listErrors(MspId.HOSPITAL1, { limit: 20, after: page.next ?? undefined });
  await quality.listErrors(MspId.HOSPITAL1, { status: 'OPEN', limit: 20 });
  await quality.listErrors(MspId.HOSPITAL1, { status: 'OPEN', limit: 20, after: page.next ?? undefined });
  const [first] = errors;
  expect((await quality.getError(MspId.HOSPITAL1, first?.id ?? ''))?.status).toBe('OPEN');
  const resolution = { at: now, by: 'doctor1', recordId: 'rec-fixed', batchId: 'batch-fixed' };
  expect(await quality.resolve(MspId.HOSPITAL1, first?.id ?? '', resolution)).toBe(true);
  await quality.count(MspId.HOSPITAL1, cstDay(now), 10, 2);
  const from = cstDay(before(now, 30 * DAY_SECONDS));
  expect((await quality.daily(MspId.HOSPITAL1, from, cstDay(now))).length).toBeGreaterThan(0);
  expect((await quality.daily(undefined, from, cstDay(now))).length).toBeGreaterThan(0);
}

export const recordWorkload: Workload = {
  models: [recordEntryModel, qualityErrorModel, dailyQualityModel],
  seed,
  exercise: async (connection) => {
    await exerciseEntries(connection);
    await exerciseQuality(connection);
  },
};
