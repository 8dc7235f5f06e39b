/**
 * Resident consent end to end against the running consortium: residents sign with SM2 keys made
 * here with sm-crypto-v2, the gateway submits for them, the chaincode verifies. Residents' keys stay
 * on the ledger between runs: each demo resident's key is the seeded one of resident-keys.ts, which a
 * later run finds on chain and rotates to the next version.
 */
import { prepare, residentKey, sign, type KeyPair } from './resident-keys';
import { call, login, type Json, type Outcome } from './stack';

jest.setTimeout(180_000);

function grantTerms(grantId: string): Json {
  const now = Date.now();
  return {
    grantId,
    grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: ['LAB_REPORT', 'DISCHARGE_SUMMARY'], recordIds: [], fields: ['*'] },
    notBefore: new Date(now - 60_000).toISOString(),
    notAfter: new Date(now + 30 * 86_400_000).toISOString(),
    useLimit: null,
  };
}

const grantIdsOf = (outcome: Outcome): unknown[] =>
  (outcome.body['grants'] as Json[]).map((grant) => [grant['grantId'], grant['status']]);

describe('resident consent on the platform', () => {
  let zhang: string;
  let li: string;
  let doctor: string;
  let otherDoctor: string;
  let zhangKey: KeyPair;
  let liKey: KeyPair;

  beforeAll(async () => {
    [zhang, li, doctor, otherDoctor] = await Promise.all([
      login('resident.zhang'),
      login('resident.li'),
      login('h2.doctor'),
      login('h1.doctor'),
    ]);
    zhangKey = await residentKey('resident.zhang', zhang);
    liKey = await residentKey('resident.li', li);
  });

  test('a resident grants a doctor, the doctor sees it, the resident revokes it', async () => {
    const grantId = `g-int-${Date.now()}`;
    const { payload, message } = await prepare(zhang, { op: 'consent.grant', grant: grantTerms(grantId) });
    const granted = await call(zhang, 'POST', '/consent/grants', { payload, signature: sign(message, zhangKey) });
    expect({ status: granted.status, grant: granted.body['grant'] }).toMatchObject({
      status: 201,
      grant: { grantId, status: 'ACTIVE', version: 1, lastOperation: { operation: 'GRANT', mspId: 'HealthCommMSP' } },
    });
    expect(grantIdsOf(await call(doctor, 'GET', '/consent/doctor/grants'))).toContainEqual([grantId, 'ACTIVE']);
    expect(grantIdsOf(await call(otherDoctor, 'GET', '/consent/doctor/grants'))).not.toContainEqual([
      grantId,
      'ACTIVE',
    ]);
    expect(grantIdsOf(await call(zhang, 'GET', '/consent/grants'))).toContainEqual([grantId, 'ACTIVE']);

    const revoke = await prepare(zhang, { op: 'consent.revoke', grantId });
    const revokeBody = { payload: revoke.payload, signature: sign(revoke.message, zhangKey) };
    const revoked = await call(zhang, 'POST', `/consent/grants/${grantId}/revoke`, revokeBody);
    expect({ status: revoked.status, state: (revoked.body['grant'] as Json)['status'] }).toEqual({
      status: 200,
      state: 'REVOKED',
    });
    expect(grantIdsOf(await call(doctor, 'GET', '/consent/doctor/grants'))).toContainEqual([grantId, 'REVOKED']);
    const replay = await call(zhang, 'POST', `/consent/grants/${grantId}/revoke`, revokeBody);
    expect({ status: replay.status, code: replay.body['code'] }).toEqual({ status: 409, code: 'NONCE_REUSED' });
    const again = await prepare(zhang, { op: 'consent.revoke', grantId });
    const twice = await call(zhang, 'POST', `/consent/grants/${grantId}/revoke`, {
      payload: again.payload,
      signature: sign(again.message, zhangKey),
    });
    expect({ status: twice.status, code: twice.body['code'] }).toEqual({ status: 409, code: 'CONSENT_NOT_ACTIVE' });
  });

  test('a forged signature and a signature by another resident are refused by the chaincode', async () => {
    const grantId = `g-forged-${Date.now()}`;
    const { payload, message } = await prepare(zhang, { op: 'consent.grant', grant: grantTerms(grantId) });
    const forgedSignature = `3044${'0220'}${'5a'.repeat(32)}${'0220'}${'3c'.repeat(32)}`;
    const forged = await call(zhang, 'POST', '/consent/grants', { payload, signature: forgedSignature });
    expect({ status: forged.status, code: forged.body['code'] }).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });

    const byLi = await call(zhang, 'POST', '/consent/grants', { payload, signature: sign(message, liKey) });
    expect({ status: byLi.status, code: byLi.body['code'] }).toEqual({ status: 403, code: 'SIGNATURE_INVALID' });
    const liForZhang = await call(li, 'POST', '/consent/grants', { payload, signature: sign(message, liKey) });
    expect({ status: liForZhang.status, code: liForZhang.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });

    const unknown = await call(zhang, 'GET', `/consent/grants/${grantId}`);
    expect({ status: unknown.status, code: unknown.body['code'] }).toEqual({ status: 404, code: 'GRANT_NOT_FOUND' });
  });
});
