/**
 * Resident consent end to end against the running consortium: residents sign with SM2 keys made
 * here with sm-crypto-v2, the gateway submits for them, the chaincode verifies. Residents' keys stay
 * on the ledger between runs: each demo resident's key is the seeded one of resident-keys.ts, which a
 * later run finds on chain and rotates to the next version.
 */
import { prepare, residentKey, seededKey, sign, type KeyPair } from './resident-keys';
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
  let clerk: string;
  let zhangKey: KeyPair;
  let liKey: KeyPair;

  beforeAll(async () => {
    [zhang, li, doctor, otherDoctor, clerk] = await Promise.all([
      login('resident.zhang'),
      login('resident.li'),
      login('h2.doctor'),
      login('h1.doctor'),
      login('h1.clerk'),
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
  test('a change narrows the fields and record types of a grant; a change signed for its old version is refused', async () => {
    const grantId = `g-change-${Date.now()}`;
    const { payload, message } = await prepare(zhang, { op: 'consent.grant', grant: grantTerms(grantId) });
    const granted = await call(zhang, 'POST', '/consent/grants', { payload, signature: sign(message, zhangKey) });
    expect(granted.status).toBe(201);
    const original = granted.body['grant'] as Json;
    const terms = {
      scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['diagnosis', 'labResults.value'] },
      notBefore: original['notBefore'],
      notAfter: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      useLimit: 3,
    };
    const first = await prepare(zhang, { op: 'consent.change', grantId, terms });
    const second = await prepare(zhang, { op: 'consent.change', grantId, terms: { ...terms, useLimit: 5 } });
    const changed = await call(zhang, 'POST', `/consent/grants/${grantId}/change`, {
      payload: first.payload,
      signature: sign(first.message, zhangKey),
    });
    expect({ status: changed.status, grant: changed.body['grant'] }).toMatchObject({
      status: 200,
      grant: { grantId, status: 'ACTIVE', version: 2, ...terms, lastOperation: { operation: 'CHANGE' } },
    });
    const seen = (await call(doctor, 'GET', '/consent/doctor/grants')).body['grants'] as Json[];
    expect(seen.find((grant) => grant['grantId'] === grantId)).toMatchObject({ version: 2, scope: terms.scope });

    const stale = await call(zhang, 'POST', `/consent/grants/${grantId}/change`, {
      payload: second.payload,
      signature: sign(second.message, zhangKey),
    });
    expect({ status: stale.status, code: stale.body['code'] }).toEqual({ status: 409, code: 'GRANT_VERSION_CONFLICT' });
  });

  test('counter staff recover a lost key: the new key signs grants, the old one no longer does', async () => {
    const before = (await call(zhang, 'GET', '/consent/key')).body['key'] as Json;
    const version = before['keyVersion'] as number;
    const newKey = seededKey('resident.zhang', version + 1);
    const { payload, message } = await prepare(zhang, { op: 'resident-key.recover', newPublicKey: newKey.publicKey });
    const reason = 'phone lost; identity card checked at the counter';
    const body = { payload, signature: sign(message, newKey), reason };

    const byResident = await call(zhang, 'POST', '/consent/key/recover', body);
    expect({ status: byResident.status, code: byResident.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const byDoctor = await call(otherDoctor, 'POST', '/consent/key/recover', body);
    expect({ status: byDoctor.status, code: byDoctor.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const noReason = await call(clerk, 'POST', '/consent/key/recover', { payload, signature: body.signature });
    expect({ status: noReason.status, code: noReason.body['code'] }).toEqual({ status: 400, code: 'VALIDATION' });
    expect(noReason.body['message']).toMatch(/reason/);
    const byOldKey = await call(clerk, 'POST', '/consent/key/recover', { ...body, signature: sign(message, zhangKey) });
    expect({ status: byOldKey.status, code: byOldKey.body['code'] }).toEqual({
      status: 403,
      code: 'SIGNATURE_INVALID',
    });

    const recovered = await call(clerk, 'POST', '/consent/key/recover', body);
    const lastOperation = { operation: 'RECOVER', mspId: 'Hospital1MSP', actor: 'h1.clerk', reason };
    expect({ status: recovered.status, key: recovered.body['key'] }).toMatchObject({
      status: 200,
      key: { publicKey: newKey.publicKey, keyVersion: version + 1, lastOperation },
    });
    const status = await call(zhang, 'GET', '/consent/key');
    expect(status.body).toMatchObject({ registered: true, key: { keyVersion: version + 1, lastOperation } });
    const replay = await call(clerk, 'POST', '/consent/key/recover', body);
    expect({ status: replay.status, code: replay.body['code'] }).toEqual({
      status: 409,
      code: 'RESIDENT_KEY_SUPERSEDED',
    });

    const oldKey = zhangKey;
    zhangKey = newKey;
    const byNew = await prepare(zhang, { op: 'consent.grant', grant: grantTerms(`g-recovered-${Date.now()}`) });
    const grantedByNew = await call(zhang, 'POST', '/consent/grants', {
      payload: byNew.payload,
      signature: sign(byNew.message, newKey),
    });
    expect({ status: grantedByNew.status, grant: grantedByNew.body['grant'] }).toMatchObject({
      status: 201,
      grant: { lastOperation: { operation: 'GRANT', keyVersion: version + 1 } },
    });
    const byOld = await prepare(zhang, { op: 'consent.grant', grant: grantTerms(`g-lost-key-${Date.now()}`) });
    const grantedByOld = await call(zhang, 'POST', '/consent/grants', {
      payload: byOld.payload,
      signature: sign(byOld.message, oldKey),
    });
    expect({ status: grantedByOld.status, code: grantedByOld.body['code'] }).toEqual({
      status: 403,
      code: 'SIGNATURE_INVALID',
    });
  });
});
