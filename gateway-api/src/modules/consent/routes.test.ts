import { CONSENT_SIGNING_DESCRIPTION, SM2_USER_ID } from '@hdt/vocabulary';
import type { Express } from 'express';
import { sm2 } from 'sm-crypto-v2';
import request from 'supertest';
import { z } from 'zod';
import { FakeConsentLedger, FORGED } from '../../../test/fake-consent-ledger';
import { harness, JWT_SECRET, PASSWORD } from '../../../test/harness';
import { buildApp } from '../../http/app';
import { silentLogger } from '../../logger';
import { UserDirectory } from '../auth/users';
import { ConsentService } from './service';

const RESIDENT_ID = 'c'.repeat(64);
const USERS = [
  { username: 'resident.c', displayName: 'C', mspId: 'HealthCommMSP', role: 'resident', residentId: RESIDENT_ID },
  { username: 'h1.doctor', displayName: 'D', mspId: 'Hospital1MSP', role: 'doctor', department: 'Internal medicine' },
  { username: 'clerk1', displayName: 'K', mspId: 'Hospital1MSP', role: 'billing_clerk' },
  { username: 'mi.officer', displayName: 'M', mspId: 'MedInsMSP', role: 'reimbursement_officer' },
].map((user) => ({ ...user, password: PASSWORD }));

const key = sm2.generateKeyPairHex();
const sign = (message: string) =>
  sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });

const grantTerms = {
  grantId: 'g-route',
  grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' },
  purpose: 'TREATMENT',
  referralId: null,
  scope: { recordTypes: ['ENCOUNTER'], recordIds: [], fields: ['diagnosis'] },
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  useLimit: 3,
};

const errorBody = z.object({ code: z.string(), message: z.string() });
const grantList = z.object({ grants: z.array(z.object({ grantId: z.string() })) });
const errorOf = (res: { body: unknown }) => errorBody.parse(res.body);

const prepared = z.object({ payload: z.record(z.string(), z.unknown()), message: z.string() });

interface Client {
  app: Express;
  tokens: Record<string, string>;
}

let client: Client;

beforeAll(async () => {
  const h = await harness();
  const consent = new ConsentService({ ledger: new FakeConsentLedger(), logger: silentLogger });
  const app = buildApp({
    config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
    services: { ...h.services, consent },
    users: await UserDirectory.fromJson(USERS),
    logger: silentLogger,
  });
  const tokens: Record<string, string> = {};
  for (const { username } of USERS) {
    const res = await request(app).post('/api/v1/auth/login').send({ username, password: PASSWORD }).expect(200);
    tokens[username] = z.object({ token: z.string() }).parse(res.body).token;
  }
  client = { app, tokens };
});

function as(username: string) {
  const auth = { authorization: `Bearer ${client.tokens[username] ?? ''}` };
  return {
    get: (path: string) => request(client.app).get(`/api/v1${path}`).set(auth),
    post: (path: string, body: object) => request(client.app).post(`/api/v1${path}`).set(auth).send(body),
  };
}

/** Prepares the payload of `op` through the API and signs its bytes. */
async function signed(body: object): Promise<{ payload: Record<string, unknown>; signature: string }> {
  const res = await as('resident.c').post('/consent/signing-payloads', body).expect(200);
  const { payload, message } = prepared.parse(res.body);
  return { payload, signature: sign(message) };
}

describe('consent routes', () => {
  it('take a resident from key registration through a grant the doctor sees to its revocation', async () => {
    const resident = as('resident.c');
    await resident.get('/consent/key').expect(200, { registered: false });
    await resident
      .post('/consent/key', await signed({ op: 'resident-key.register', publicKey: key.publicKey }))
      .expect(201);
    expect((await resident.get('/consent/key').expect(200)).body).toMatchObject({
      registered: true,
      key: { keyVersion: 1 },
    });

    const granted = await resident.post('/consent/grants', await signed({ op: 'consent.grant', grant: grantTerms }));
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ grant: { grantId: 'g-route', status: 'ACTIVE' }, txId: 'tx-2' });
    expect(grantList.parse((await resident.get('/consent/grants').expect(200)).body).grants).toHaveLength(1);
    await resident.get('/consent/grants/g-route').expect(200);
    await resident.get('/consent/grants/g-unknown').expect(404);
    const seen = await as('h1.doctor').get('/consent/doctor/grants').expect(200);
    expect(grantList.parse(seen.body).grants.map((g) => g.grantId)).toEqual(['g-route']);

    const revoke = await signed({ op: 'consent.revoke', grantId: 'g-route' });
    const forged = await resident.post('/consent/grants/g-route/revoke', { ...revoke, signature: FORGED });
    expect(forged.status).toBe(403);
    expect(errorOf(forged).code).toBe('SIGNATURE_INVALID');
    await resident.post('/consent/grants/g-route/revoke', revoke).expect(200);
    const again = await resident.post('/consent/grants/g-route/revoke', revoke).expect(409);
    expect(errorOf(again).code).toBe('CONSENT_NOT_ACTIVE');
  });

  it('refuse other roles with 403 before looking at the request', async () => {
    for (const path of ['/consent/key', '/consent/grants', '/consent/grants/g-1']) {
      expect(errorOf(await as('clerk1').get(path).expect(403)).code).toBe('FORBIDDEN');
    }
    await as('h1.doctor').post('/consent/grants', {}).expect(403);
    await as('resident.c').get('/consent/doctor/grants').expect(403);
    await request(client.app).get('/api/v1/consent/key').expect(401);
  });

  it('answer bad input with 400 naming the field', async () => {
    const resident = as('resident.c');
    const body = await signed({ op: 'consent.grant', grant: { ...grantTerms, grantId: 'g-bad' } });
    const cases: [object, RegExp][] = [
      [{ ...body, payload: { ...body.payload, nonce: 'xyz' } }, /payload\.nonce/],
      [{ ...body, signature: 'zz' }, /signature/],
      [{ ...body, payload: { ...body.payload, extra: 1 } }, /extra/],
      [
        { ...body, payload: { ...body.payload, grant: { ...grantTerms, notAfter: '2025-01-01T00:00:00.000Z' } } },
        /payload\.grant\.notAfter/,
      ],
      [
        { ...body, payload: { ...body.payload, grant: { ...grantTerms, purpose: 'REFERRAL' } } },
        /payload\.grant\.referralId/,
      ],
    ];
    for (const [input, field] of cases) {
      const res = await resident.post('/consent/grants', input).expect(400);
      expect(errorOf(res).message).toMatch(field);
    }
    const wrongPath = await resident.post('/consent/grants/g-other/revoke', {
      payload: { ...body.payload, op: 'consent.revoke', grantId: 'g-bad', version: 1, grant: undefined },
      signature: body.signature,
    });
    expect(wrongPath.status).toBe(400);
    await resident.get('/consent/grants/%20bad').expect(400);
    const res = await resident.post('/consent/signing-payloads', { op: 'consent.sign-anything' }).expect(400);
    expect(errorOf(res).message).toMatch(/op/);
  });

  it('document the operations with the canonical encoding', async () => {
    const res = await request(client.app).get('/api/v1/openapi.json').expect(200);
    const paths = z
      .record(z.string(), z.record(z.string(), z.object({ description: z.string().optional() })))
      .parse(z.object({ paths: z.unknown() }).parse(res.body).paths);
    expect(paths['/api/v1/consent/signing-payloads']?.['post']?.description).toContain(CONSENT_SIGNING_DESCRIPTION);
    for (const path of [
      '/api/v1/consent/grants',
      '/api/v1/consent/grants/{grantId}/change',
      '/api/v1/consent/grants/{grantId}/revoke',
    ]) {
      expect(paths[path]?.['post']?.description).toContain('canonical JSON');
    }
    expect(paths['/api/v1/consent/key/recover']?.['post']?.description).toContain('canonical JSON');
    expect(Object.keys(paths).filter((p) => p.startsWith('/api/v1/consent'))).toHaveLength(10);
    expect(paths['/api/v1/consent/policies']?.['post']?.description).toContain('POLICY_NARROWED');
  });
});

describe('key recovery route', () => {
  const newKey = sm2.generateKeyPairHex();
  const REASON = 'phone lost; ID card checked at the counter';

  /** The resident's new device prepares the recovery payload and signs it with the new key. */
  async function recovery(): Promise<{ payload: Record<string, unknown>; signature: string; reason: string }> {
    const res = await as('resident.c')
      .post('/consent/signing-payloads', { op: 'resident-key.recover', newPublicKey: newKey.publicKey })
      .expect(200);
    const { payload, message } = prepared.parse(res.body);
    const signature = sm2.doSignature(message, newKey.privateKey, { hash: true, der: true, userId: SM2_USER_ID });
    return { payload, signature, reason: REASON };
  }

  it('refuses anyone but counter staff and administrators with 403 before looking at the body', async () => {
    for (const username of ['resident.c', 'h1.doctor', 'mi.officer']) {
      const res = await as(username).post('/consent/key/recover', {}).expect(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
    await request(client.app).post('/api/v1/consent/key/recover').send({}).expect(401);
  });

  it('answers bad input with 400 naming the field', async () => {
    const body = await recovery();
    const noReason = { payload: body.payload, signature: body.signature };
    const cases: [object, RegExp][] = [
      [noReason, /reason: is required/],
      [{ ...body, reason: '' }, /reason/],
      [{ ...body, reason: 'x'.repeat(1000) }, /reason/],
      [{ ...body, payload: { ...body.payload, newPublicKey: '04ab' } }, /payload\.newPublicKey/],
      [{ ...body, payload: { ...body.payload, op: 'resident-key.rotate' } }, /payload\.op/],
      [{ ...body, payload: { ...body.payload, keyVersion: 0 } }, /payload\.keyVersion/],
      [{ ...body, payload: { ...body.payload, residentId: 'C'.repeat(64) } }, /payload\.residentId/],
      [{ ...body, signature: 'zz' }, /signature/],
      [{ ...body, identityChecked: true }, /identityChecked/],
    ];
    for (const [input, field] of cases) {
      const res = await as('clerk1').post('/consent/key/recover', input).expect(400);
      expect(errorOf(res)).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(field) as unknown });
    }
  });

  it("replaces the resident's key: a new version whose last operation is RECOVER by the clerk", async () => {
    const before = z
      .object({ key: z.object({ keyVersion: z.number() }) })
      .parse((await as('resident.c').get('/consent/key').expect(200)).body).key.keyVersion;
    const forged = await as('clerk1').post('/consent/key/recover', { ...(await recovery()), signature: FORGED });
    expect({ status: forged.status, code: errorOf(forged).code }).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    const res = await as('clerk1')
      .post('/consent/key/recover', await recovery())
      .expect(200);
    expect(res.body).toMatchObject({
      key: {
        publicKey: newKey.publicKey,
        keyVersion: before + 1,
        lastOperation: { operation: 'RECOVER', mspId: 'Hospital1MSP', actor: 'clerk1', reason: REASON },
      },
    });
    const status = await as('resident.c').get('/consent/key').expect(200);
    expect(status.body).toMatchObject({
      registered: true,
      key: { keyVersion: before + 1, publicKey: newKey.publicKey },
    });
  });
});

const NARROWED = {
  sourceOrg: { excludedRecordTypes: ['LAB_REPORT'], excludedOrgs: ['Hospital2MSP'], notAfter: null },
  breakGlass: { recordTypes: ['ENCOUNTER', 'LAB_REPORT', 'DISCHARGE_SUMMARY', 'PRESCRIPTION'], fields: ['*'] },
};

describe('policy preferences routes', () => {
  it('read the defaults, then store a signed narrowing, never cached', async () => {
    const resident = as('resident.c');
    const before = await resident.get('/consent/policies').expect(200);
    expect(before.headers['cache-control']).toBe('no-store');
    expect(before.body).toMatchObject({ residentId: RESIDENT_ID, version: 0, lastOperation: null });
    const body = await signed({ op: 'consent.policies', preferences: NARROWED });
    expect(body.payload).toMatchObject({ op: 'consent.policies', version: 0, preferences: NARROWED });
    const forged = await resident.post('/consent/policies', { ...body, signature: FORGED }).expect(403);
    expect(errorOf(forged).code).toBe('SIGNATURE_INVALID');
    const stored = await resident.post('/consent/policies', body).expect(200);
    expect(stored.headers['cache-control']).toBe('no-store');
    expect(stored.body).toMatchObject({ preferences: { version: 1, preferences: NARROWED } });
    const stale = await resident.post('/consent/policies', body).expect(409);
    expect(errorOf(stale).code).toBe('POLICY_VERSION_CONFLICT');
    expect((await resident.get('/consent/policies').expect(200)).body).toMatchObject({ version: 1 });
  });

  it('are for the resident themself only', async () => {
    await as('h1.doctor').get('/consent/policies').expect(403);
    await as('clerk1').post('/consent/policies', {}).expect(403);
    await request(client.app).get('/api/v1/consent/policies').expect(401);
    const body = await signed({ op: 'consent.policies', preferences: NARROWED });
    const other = { ...body, payload: { ...body.payload, residentId: 'd'.repeat(64) } };
    expect(errorOf(await as('resident.c').post('/consent/policies', other).expect(403)).code).toBe('FORBIDDEN');
  });

  it('answer 400 naming the field, and refuse to widen or drop the emergency floor', async () => {
    const resident = as('resident.c');
    const body = await signed({ op: 'consent.policies', preferences: NARROWED });
    const withPrefs = (preferences: object) => ({ ...body, payload: { ...body.payload, preferences } });
    const cases: [object, RegExp][] = [
      [withPrefs({ ...NARROWED, extraReaders: ['InsurerMSP'] }), /extraReaders/],
      [
        withPrefs({ ...NARROWED, sourceOrg: { ...NARROWED.sourceOrg, excludedOrgs: ['InsurerMSP'] } }),
        /sourceOrg\.excludedOrgs\[0\]/,
      ],
      [
        withPrefs({ ...NARROWED, breakGlass: { recordTypes: ['IMAGING_REPORT'], fields: ['*'] } }),
        /breakGlass\.recordTypes/,
      ],
      [withPrefs({ ...NARROWED, breakGlass: { ...NARROWED.breakGlass, fields: ['address'] } }), /breakGlass\.fields/],
      [withPrefs({ ...NARROWED, sourceOrg: { ...NARROWED.sourceOrg, notAfter: 'soon' } }), /sourceOrg\.notAfter/],
    ];
    for (const [input, field] of cases) {
      const res = await resident.post('/consent/policies', input).expect(400);
      expect(errorOf(res).message).toMatch(field);
    }
  });
});
