/** Access requests (`access_requests`): a resident's and a doctor's requests, newest first, decided once. */
import { randomBytes } from 'node:crypto';
import { CONSENT_PURPOSES, HEALTH_RECORD_TYPES, MspId } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import { accessRequestModel, MongoAccessRequestStore } from '../../../gateway-api/src/modules/requests';
import type { StoredAccessRequest } from '../../../gateway-api/src/modules/requests/store';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const RESIDENTS = 300;
const DOCTORS = 40;
const DAY_SECONDS = 86_400;

function request(i: number, residentId: string, doctor: string, createdAt: Date): StoredAccessRequest {
  return {
    requestId: `req-${randomBytes(12).toString('hex')}`,
    residentId,
    doctor: {
      username: doctor,
      mspId: nth([MspId.HOSPITAL1, MspId.HOSPITAL2], i),
      displayName: doctor,
      department: null,
    },
    purpose: nth(CONSENT_PURPOSES, i),
    scope: { recordTypes: [nth(HEALTH_RECORD_TYPES, i)], recordIds: [], fields: ['diagnosis'] },
    notBefore: createdAt.toISOString(),
    notAfter: before(createdAt, -30 * DAY_SECONDS).toISOString(),
    useLimit: i % 2 === 0 ? 3 : null,
    referralId: null,
    message: 'Follow-up of your visit',
    status: 'PENDING',
    createdAt: createdAt.toISOString(),
    answerBy: before(createdAt, -DAY_SECONDS).toISOString(),
    decidedAt: null,
    grantId: null,
    txId: null,
    reason: null,
  };
}

/** How a seeded request was answered: a third denied, the others approved; none of the last day's yet. */
function decisionOf(i: number, size: number, createdAt: Date): Partial<StoredAccessRequest> {
  if (size - i <= 24) return {};
  const decidedAt = before(createdAt, -3600).toISOString();
  if (i % 3 === 0) return { status: 'DENIED', decidedAt, reason: 'Not my doctor' };
  return { status: 'APPROVED', decidedAt, grantId: `grant-${i}`, txId: randomBytes(32).toString('hex') };
}

/** Requests of the last `size` hours. */
function requestDocument(i: number, size: number, now: Date) {
  const createdAt = before(now, (size - i) * 3600);
  const { requestId, ...rest } = request(i, hex64(`resident-${i % RESIDENTS}`), `doctor${i % DOCTORS}`, createdAt);
  return { _id: requestId, ...rest, ...decisionOf(i, size, createdAt) };
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  await insertRaw(
    accessRequestModel(connection),
    many(size, (i) => requestDocument(i, size, now)),
  );
}

async function exercise(connection: Connection): Promise<void> {
  const store = new MongoAccessRequestStore(accessRequestModel(connection));
  const asked = request(1, hex64('resident-exercise'), 'doctor-exercise', new Date());
  await store.create(asked);
  expect(await store.get(asked.requestId)).toEqual(asked);
  expect(await store.list({ residentId: asked.residentId }, 20)).toEqual([asked]);
  expect(await store.list({ doctor: 'doctor-exercise' }, 20)).toEqual([asked]);
  const decidedAt = new Date().toISOString();
  const approval = { status: 'APPROVED', decidedAt, grantId: 'grant-exercise', txId: 'a'.repeat(64) } as const;
  expect((await store.decide(asked.requestId, approval))?.status).toBe('APPROVED');
  expect(await store.decide(asked.requestId, { status: 'DENIED', decidedAt, reason: 'late' })).toBeUndefined();
}

export const accessRequestWorkload: Workload = { models: [accessRequestModel], seed, exercise };
