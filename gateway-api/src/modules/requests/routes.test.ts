import { SM2_USER_ID } from '@hdt/vocabulary';
import type { Express } from 'express';
import { sm2 } from 'sm-crypto-v2';
import request from 'supertest';
import { z } from 'zod';
import { FakeConsentLedger } from '../../../test/fake-consent-ledger';
import { harness, JWT_SECRET, PASSWORD } from '../../../test/harness';
import { buildApp } from '../../http/app';
import { silentLogger } from '../../logger';
import { UserDirectory } from '../auth/users';
import { ConsentService } from '../consent/service';
import type { ConsentGrantView } from '../consent/schemas';
import { InMemoryNotificationStore, NotificationService } from '../notifications';
import { ReferralService, type ReferralLedger } from './referrals';
import { AccessRequestService } from './service';
import { InMemoryAccessRequestStore } from './store';

const RESIDENT = 'c'.repeat(64);
const OTHER_RESIDENT = 'd'.repeat(64);
const USERS = [
  { username: 'resident.c', displayName: 'C', mspId: 'HealthCommMSP', role: 'resident', residentId: RESIDENT },
  { username: 'resident.d', displayName: 'D', mspId: 'HealthCommMSP', role: 'resident', residentId: OTHER_RESIDENT },
  { username: 'h1.doctor', displayName: 'Dr One', mspId: 'Hospital1MSP', role: 'doctor', department: 'Internal' },
  { username: 'h2.doctor', displayName: 'Dr Two', mspId: 'Hospital2MSP', role: 'doctor', department: 'GP' },
  { username: 'insurer1', displayName: 'I', mspId: 'InsurerMSP', role: 'reimbursement_officer' },
].map((user) => ({ ...user, password: PASSWORD }));

const key = sm2.generateKeyPairHex();
const sign = (message: string) =>
  sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });

const errorOf = (res: { body: unknown }) => z.object({ code: z.string(), message: z.string() }).parse(res.body);
const requestView = z.object({
  requestId: z.string(),
  status: z.string(),
  grantId: z.string().nullable(),
  grant: z.record(z.string(), z.unknown()),
});
const notificationList = z.object({
  notifications: z.array(z.object({ id: z.string(), type: z.string(), read: z.boolean() })),
  unread: z.number(),
});
const requestList = z.object({ requests: z.array(requestView) });
const idsOf = (res: { body: unknown }) => requestList.parse(res.body).requests.map((item) => item.requestId);
const prepared = z.object({ payload: z.record(z.string(), z.unknown()), message: z.string() });

let app: Express;
const tokens: Record<string, string> = {};
let now = new Date('2026-03-01T08:00:00.000Z');
const ended: { mspId: string; input: unknown }[] = [];

/** Ends nothing but records the call, answering one ended grant for referral "REF-1". */
const referralLedger: ReferralLedger = {
  endReferral: (mspId, input) => {
    ended.push({ mspId, input });
    const grant: ConsentGrantView = {
      residentId: input.residentId,
      grantId: 'g-ref',
      grantee: { mspId, doctorId: null },
      purpose: 'REFERRAL',
      referralId: input.referralId,
      scope: { recordTypes: ['ENCOUNTER'], recordIds: [], fields: ['*'] },
      notBefore: '2026-03-01T00:00:00.000Z',
      notAfter: '2026-04-01T00:00:00.000Z',
      useLimit: null,
      uses: 0,
      status: 'ENDED',
      version: 2,
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T08:00:00.000Z',
      lastOperation: {
        operation: 'END',
        mspId,
        actor: input.actor,
        timestamp: '2026-03-01T08:00:00.000Z',
        txId: 'tx-end',
        keyVersion: 1,
        nonce: '',
        signedAt: '',
        signature: '',
      },
    };
    return Promise.resolve({ result: input.referralId === 'REF-1' ? [grant] : [], txId: 'tx-end' });
  },
};

beforeAll(async () => {
  const h = await harness();
  const consent = new ConsentService({ ledger: new FakeConsentLedger(), logger: silentLogger, clock: () => now });
  const notifications = new NotificationService({ store: new InMemoryNotificationStore(), logger: silentLogger });
  const store = new InMemoryAccessRequestStore();
  const deps = { store, consent, notifications, logger: silentLogger, clock: () => now };
  app = buildApp({
    config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
    services: {
      ...h.services,
      consent,
      notifications,
      accessRequests: new AccessRequestService(deps),
      referrals: new ReferralService({ ledger: referralLedger, notifications, logger: silentLogger }),
    },
    users: await UserDirectory.fromJson(USERS),
    logger: silentLogger,
  });
  for (const { username } of USERS) {
    const res = await request(app).post('/api/v1/auth/login').send({ username, password: PASSWORD }).expect(200);
    tokens[username] = z.object({ token: z.string() }).parse(res.body).token;
  }
  const registered = await signed('resident.c', { op: 'resident-key.register', publicKey: key.publicKey });
  await as('resident.c').post('/consent/key', registered).expect(201);
});

function as(username: string) {
  const auth = { authorization: `Bearer ${tokens[username] ?? ''}` };
  return {
    get: (path: string) => request(app).get(`/api/v1${path}`).set(auth),
    post: (path: string, body?: object) => request(app).post(`/api/v1${path}`).set(auth).send(body),
  };
}

async function signed(username: string, body: object) {
  const res = await as(username).post('/consent/signing-payloads', body).expect(200);
  const { payload, message } = prepared.parse(res.body);
  return { payload, signature: sign(message) };
}

const asking = {
  residentId: RESIDENT,
  purpose: 'TREATMENT',
  scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] },
  notBefore: '2026-03-01T08:00:00.000Z',
  notAfter: '2026-03-08T08:00:00.000Z',
  message: 'follow-up of your blood test',
};

async function ask(body: object = asking) {
  return requestView.parse((await as('h1.doctor').post('/access-requests', body).expect(201)).body);
}

describe('access requests', () => {
  it('go from a doctor to the resident, who approves with exactly the grant asked for', async () => {
    const asked = await ask();
    expect(asked).toMatchObject({ status: 'PENDING', grantId: null });
    const pending = await as('resident.c').get('/access-requests?status=PENDING');
    expect(idsOf(pending)).toContain(asked.requestId);
    const notified = notificationList.parse((await as('resident.c').get('/notifications?unread=true')).body);
    expect(notified.notifications[0]).toMatchObject({ type: 'ACCESS_REQUESTED', read: false });

    const wider = {
      ...asked.grant,
      scope: { recordTypes: ['LAB_REPORT', 'EXAM_REPORT'], recordIds: [], fields: ['*'] },
    };
    const mismatch = await as('resident.c').post(
      `/access-requests/${asked.requestId}/approve`,
      await signed('resident.c', { op: 'consent.grant', grant: wider }),
    );
    expect({ status: mismatch.status, ...errorOf(mismatch) }).toMatchObject({
      status: 409,
      code: 'REQUEST_GRANT_MISMATCH',
      message: expect.stringContaining('payload.grant.scope') as string,
    });

    const body = await signed('resident.c', { op: 'consent.grant', grant: asked.grant });
    const approved = await as('resident.c').post(`/access-requests/${asked.requestId}/approve`, body).expect(200);
    expect(approved.body).toMatchObject({
      request: { status: 'APPROVED', grantId: asked.grant['grantId'] },
      grant: { grantId: asked.grant['grantId'], grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' } },
    });
    const seen = await as('h1.doctor').get(`/access-requests/${asked.requestId}`).expect(200);
    expect(seen.body).toMatchObject({ status: 'APPROVED', grantId: asked.grant['grantId'] });
    const doctorNotes = notificationList.parse((await as('h1.doctor').get('/notifications')).body);
    expect(doctorNotes.notifications[0]).toMatchObject({ type: 'ACCESS_REQUEST_APPROVED' });

    const again = await as('resident.c').post(`/access-requests/${asked.requestId}/deny`, { reason: 'changed mind' });
    expect({ status: again.status, code: errorOf(again).code }).toEqual({
      status: 409,
      code: 'ACCESS_REQUEST_DECIDED',
    });
  });

  it('are denied with a reason the doctor sees, and expire unanswered', async () => {
    const asked = await ask();
    const denied = await as('resident.c').post(`/access-requests/${asked.requestId}/deny`, { reason: 'not now' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'DENIED', reason: 'not now' });
    const mine = await as('h1.doctor').get('/access-requests?status=DENIED').expect(200);
    expect(idsOf(mine)).toContain(asked.requestId);

    const late = await ask({ ...asking, answerWithinSeconds: 60 });
    now = new Date(now.getTime() + 61_000);
    try {
      expect((await as('h1.doctor').get(`/access-requests/${late.requestId}`)).body).toMatchObject({
        status: 'EXPIRED',
      });
      const refused = await as('resident.c').post(`/access-requests/${late.requestId}/deny`, { reason: 'late' });
      expect({ status: refused.status, code: errorOf(refused).code }).toEqual({
        status: 409,
        code: 'ACCESS_REQUEST_EXPIRED',
      });
    } finally {
      now = new Date('2026-03-01T08:00:00.000Z');
    }
  });

  it('are seen only by their resident and their doctor, and made only by doctors', async () => {
    const asked = await ask();
    await as('resident.d').get(`/access-requests/${asked.requestId}`).expect(404);
    await as('h2.doctor').get(`/access-requests/${asked.requestId}`).expect(404);
    const other = await as('resident.d').post(`/access-requests/${asked.requestId}/deny`, { reason: 'x' });
    expect({ status: other.status, code: errorOf(other).code }).toEqual({
      status: 404,
      code: 'ACCESS_REQUEST_NOT_FOUND',
    });
    expect((await as('resident.d').get('/access-requests')).body).toEqual({ requests: [] });
    expect(errorOf(await as('resident.c').post('/access-requests', asking).expect(403)).code).toBe('FORBIDDEN');
    expect(errorOf(await as('insurer1').get('/access-requests').expect(403)).code).toBe('FORBIDDEN');
    await as('h1.doctor').post(`/access-requests/${asked.requestId}/deny`, { reason: 'x' }).expect(403);
  });

  it('answer bad input with 400 naming the field, and store nothing', async () => {
    const before = idsOf(await as('h1.doctor').get('/access-requests')).length;
    const cases: [object, string][] = [
      [{ ...asking, residentId: 'x' }, 'residentId'],
      [{ ...asking, purpose: 'REFERRAL' }, 'referralId'],
      [{ ...asking, notAfter: asking.notBefore }, 'notAfter'],
      [{ ...asking, notBefore: '2026-02-01T00:00:00.000Z', notAfter: '2026-02-02T00:00:00.000Z' }, 'notAfter'],
      [{ ...asking, scope: { recordTypes: [], recordIds: [], fields: ['*'] } }, 'scope.recordTypes'],
      [{ ...asking, answerWithinSeconds: 1 }, 'answerWithinSeconds'],
    ];
    for (const [body, field] of cases) {
      const res = await as('h1.doctor').post('/access-requests', body);
      expect({ status: res.status, message: errorOf(res).message }).toEqual({
        status: 400,
        message: expect.stringContaining(field) as string,
      });
    }
    expect(idsOf(await as('h1.doctor').get('/access-requests'))).toHaveLength(before);
    await as('h1.doctor').get('/access-requests/req-1').expect(400);
    await as('h1.doctor')
      .get(`/access-requests/req-${'0'.repeat(24)}`)
      .expect(404);
  });
});

describe('notifications', () => {
  it('are marked read by their recipient only, and counted', async () => {
    await ask();
    const list = notificationList.parse((await as('resident.c').get('/notifications')).body);
    const first = list.notifications.find((item) => !item.read);
    if (first === undefined) throw new Error('no unread notification');
    const counted = await as('resident.c').get('/notifications/unread-count').expect(200);
    const count = z.object({ unread: z.number() }).parse(counted.body).unread;
    expect(count).toBe(list.unread);
    await as('resident.d').post(`/notifications/${first.id}/read`).expect(404);
    const read = await as('resident.c').post(`/notifications/${first.id}/read`).expect(200);
    expect(read.body).toMatchObject({ id: first.id, read: true });
    expect((await as('resident.c').get('/notifications/unread-count')).body).toEqual({ unread: count - 1 });
    const unread = notificationList.parse((await as('resident.c').get('/notifications?unread=true')).body);
    expect(unread.notifications.map((item) => item.id)).not.toContain(first.id);
    await as('resident.c').get('/notifications?unread=yes').expect(400);
    await as('resident.c').post('/notifications/nope/read').expect(400);
  });
});

describe('referrals', () => {
  it('are closed by hospital staff with their hospital identity, and the resident is told', async () => {
    const res = await as('h2.doctor').post('/referrals/REF-1/close', { residentId: RESIDENT }).expect(200);
    expect(res.body).toMatchObject({ referralId: 'REF-1', ended: [{ grantId: 'g-ref' }], txId: 'tx-end' });
    expect(ended).toContainEqual({
      mspId: 'Hospital2MSP',
      input: { residentId: RESIDENT, referralId: 'REF-1', actor: 'h2.doctor' },
    });
    const notes = notificationList.parse((await as('resident.c').get('/notifications')).body);
    expect(notes.notifications[0]).toMatchObject({ type: 'REFERRAL_CLOSED' });
    const calls = ended.length;
    await as('resident.c').post('/referrals/REF-1/close', { residentId: RESIDENT }).expect(403);
    await as('insurer1').post('/referrals/REF-1/close', { residentId: RESIDENT }).expect(403);
    await as('h2.doctor').post('/referrals/REF-1/close', { residentId: 'x' }).expect(400);
    expect(ended).toHaveLength(calls);
  });
});
