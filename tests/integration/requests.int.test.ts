/**
 * Access requests, on-site grants, notifications and referrals against the running consortium: a
 * doctor asks, the resident signs the grant the request describes with an SM2 key made here with
 * sm-crypto-v2, the chaincode verifies it, the gateway links the request to the grant. Residents'
 * keys stay on the ledger between runs: like the consent test, this one rotates the seeded key of
 * resident-keys.ts it finds on chain to the next version.
 */
import { residentKey, signed, type KeyPair } from './resident-keys';
import { call, login, type Json, type Outcome } from './stack';

jest.setTimeout(240_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ids = (outcome: Outcome, list: string, id: string): unknown[] =>
  (outcome.body[list] as Json[]).map((item) => item[id]);

describe('access requests on the platform', () => {
  let li: string;
  let residentId: string;
  let liKey: KeyPair;
  let h1: string;
  let h2: string;

  function asking(extra: Json = {}): Json {
    const now = Date.now();
    return {
      residentId,
      purpose: 'TREATMENT',
      scope: { recordTypes: ['LAB_REPORT', 'DISCHARGE_SUMMARY'], recordIds: [], fields: ['diagnosis', 'results'] },
      notBefore: new Date(now - 60_000).toISOString(),
      notAfter: new Date(now + 7 * 86_400_000).toISOString(),
      message: 'integration test',
      ...extra,
    };
  }

  async function ask(token: string, extra: Json = {}): Promise<Json> {
    const res = await call(token, 'POST', '/access-requests', asking(extra));
    expect(res.status).toBe(201);
    return res.body;
  }

  async function approve(request: Json, grant: Json = request['grant'] as Json): Promise<Outcome> {
    const path = `/access-requests/${request['requestId'] as string}/approve`;
    return signed(li, liKey, { op: 'consent.grant', grant }, path);
  }

  beforeAll(async () => {
    [li, h1, h2] = await Promise.all([login('resident.li'), login('h1.doctor'), login('h2.doctor')]);
    liKey = await residentKey('resident.li', li);
    residentId = ((await call(li, 'GET', '/consent/key')).body['key'] as Json)['residentId'] as string;
  });

  test('a doctor asks, the resident is notified and approves: the grant on chain has the requested scope', async () => {
    const request = await ask(h2);
    const requestId = request['requestId'] as string;
    expect(ids(await call(li, 'GET', '/access-requests?status=PENDING'), 'requests', 'requestId')).toContain(requestId);
    expect(ids(await call(h1, 'GET', '/access-requests'), 'requests', 'requestId')).not.toContain(requestId);
    const notes = await call(li, 'GET', '/notifications?unread=true');
    const note = (notes.body['notifications'] as Json[]).find((item) => (item['ref'] as Json)['id'] === requestId);
    expect(note).toMatchObject({ type: 'ACCESS_REQUESTED', read: false });

    const approved = await approve(request);
    const grantId = (request['grant'] as Json)['grantId'] as string;
    expect({ status: approved.status, request: approved.body['request'] }).toMatchObject({
      status: 200,
      request: { status: 'APPROVED', grantId, txId: approved.body['txId'] },
    });
    const onChain = await call(li, 'GET', `/consent/grants/${grantId}`);
    expect(onChain.body).toMatchObject({
      status: 'ACTIVE',
      grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
      purpose: 'TREATMENT',
      scope: { recordTypes: ['LAB_REPORT', 'DISCHARGE_SUMMARY'], recordIds: [], fields: ['diagnosis', 'results'] },
      notAfter: request['notAfter'],
    });
    expect(ids(await call(h2, 'GET', '/consent/doctor/grants'), 'grants', 'grantId')).toContain(grantId);
    expect((await call(h2, 'GET', `/access-requests/${requestId}`)).body).toMatchObject({
      status: 'APPROVED',
      grantId,
    });

    const doctorNotes = await call(h2, 'GET', '/notifications?unread=true');
    const told = (doctorNotes.body['notifications'] as Json[]).find(
      (item) => (item['ref'] as Json)['id'] === requestId,
    );
    expect(told).toMatchObject({ type: 'ACCESS_REQUEST_APPROVED', read: false });
    const before = (await call(h2, 'GET', '/notifications/unread-count')).body['unread'] as number;
    const read = await call(h2, 'POST', `/notifications/${told?.['id'] as string}/read`);
    expect({ status: read.status, read: read.body['read'] }).toEqual({ status: 200, read: true });
    expect((await call(h2, 'GET', '/notifications/unread-count')).body['unread']).toBe(before - 1);
    expect((await call(li, 'POST', `/notifications/${told?.['id'] as string}/read`)).status).toBe(404);

    const again = await approve(request);
    expect({ status: again.status, code: again.body['code'] }).toEqual({ status: 409, code: 'ACCESS_REQUEST_DECIDED' });
  });

  test('a signed grant that is not what the request asks for is refused, and nothing is granted', async () => {
    const request = await ask(h2);
    const grant = request['grant'] as Json;
    const wider = {
      ...grant,
      scope: { recordTypes: ['LAB_REPORT', 'DISCHARGE_SUMMARY'], recordIds: [], fields: ['*'] },
    };
    const refused = await approve(request, wider);
    expect({ status: refused.status, code: refused.body['code'] }).toEqual({
      status: 409,
      code: 'REQUEST_GRANT_MISMATCH',
    });
    expect(refused.body['message']).toContain('payload.grant.scope');
    const otherDoctor = await approve(request, { ...grant, grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' } });
    expect(otherDoctor.body['code']).toBe('REQUEST_GRANT_MISMATCH');
    expect((await call(li, 'GET', `/consent/grants/${grant['grantId'] as string}`)).status).toBe(404);
    const still = await call(h2, 'GET', `/access-requests/${request['requestId'] as string}`);
    expect(still.body['status']).toBe('PENDING');
  });

  test('the resident denies with a reason the doctor sees; a late answer to an expired request is refused', async () => {
    const request = await ask(h1);
    const requestId = request['requestId'] as string;
    const denied = await call(li, 'POST', `/access-requests/${requestId}/deny`, { reason: 'ask my GP first' });
    expect({ status: denied.status, state: denied.body['status'] }).toEqual({ status: 200, state: 'DENIED' });
    expect((await call(h1, 'GET', `/access-requests/${requestId}`)).body).toMatchObject({
      status: 'DENIED',
      reason: 'ask my GP first',
    });
    const late = await approve(request);
    expect({ status: late.status, code: late.body['code'] }).toEqual({ status: 409, code: 'ACCESS_REQUEST_DECIDED' });

    const expiring = await ask(h1, { answerWithinSeconds: 5 });
    await sleep(6_000);
    const expired = await approve(expiring);
    expect({ status: expired.status, code: expired.body['code'] }).toEqual({
      status: 409,
      code: 'ACCESS_REQUEST_EXPIRED',
    });
    const grantId = (expiring['grant'] as Json)['grantId'] as string;
    expect((await call(li, 'GET', `/consent/grants/${grantId}`)).status).toBe(404);
  });

  test('an on-site grant to one doctor is that doctor’s only, and only until its time is up', async () => {
    const grantId = `onsite-${Date.now()}`;
    const now = Date.now();
    const grant = {
      grantId,
      grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
      purpose: 'TREATMENT',
      referralId: null,
      scope: { recordTypes: ['ENCOUNTER'], recordIds: [], fields: ['*'] },
      notBefore: new Date(now - 5_000).toISOString(),
      notAfter: new Date(now + 25_000).toISOString(),
      useLimit: null,
    };
    expect((await signed(li, liKey, { op: 'consent.grant', grant }, '/consent/grants')).status).toBe(201);
    const statusFor = async (token: string) =>
      (((await call(token, 'GET', '/consent/doctor/grants')).body['grants'] as Json[]).find(
        (item) => item['grantId'] === grantId,
      ) ?? {})['status'];
    expect(await statusFor(h2)).toBe('ACTIVE');
    expect(await statusFor(h1)).toBeUndefined();
    await sleep(Math.max(0, Date.parse(grant.notAfter) - Date.now()) + 2_000);
    expect(await statusFor(h2)).toBe('EXPIRED');
    expect((await call(li, 'GET', `/consent/grants/${grantId}`)).body['status']).toBe('EXPIRED');
  });

  test('closing the referral ends the grant made for it', async () => {
    const referralId = `REF-int-${Date.now()}`;
    const request = await ask(h2, { purpose: 'REFERRAL', referralId });
    expect((await approve(request)).status).toBe(200);
    const grantId = (request['grant'] as Json)['grantId'] as string;

    const elsewhere = await call(h1, 'POST', `/referrals/${referralId}/close`, { residentId });
    expect({ status: elsewhere.status, ended: elsewhere.body['ended'] }).toEqual({ status: 200, ended: [] });
    expect((await call(li, 'GET', `/consent/grants/${grantId}`)).body['status']).toBe('ACTIVE');

    const closed = await call(h2, 'POST', `/referrals/${referralId}/close`, { residentId });
    expect(closed.status).toBe(200);
    expect(ids(closed, 'ended', 'grantId')).toEqual([grantId]);
    expect((await call(li, 'GET', `/consent/grants/${grantId}`)).body).toMatchObject({
      status: 'ENDED',
      lastOperation: { operation: 'END', mspId: 'Hospital2MSP', actor: 'h2.doctor' },
    });
    const notes = await call(li, 'GET', '/notifications');
    expect(
      (notes.body['notifications'] as Json[]).some(
        (item) => item['type'] === 'REFERRAL_CLOSED' && (item['ref'] as Json)['id'] === referralId,
      ),
    ).toBe(true);
  });
});
