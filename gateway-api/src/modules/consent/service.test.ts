import { canonicalJson, SM2_USER_ID } from '@hdt/vocabulary';
import { sm2 } from 'sm-crypto-v2';
import { verifySm2 } from '../../../../chaincode/dist/domain/sm2';
import { FakeConsentLedger, FORGED } from '../../../test/fake-consent-ledger';
import { silentLogger } from '../../logger';
import type { User } from '../auth/roles';
import {
  changePayloadSchema,
  grantPayloadSchema,
  recoverPayloadSchema,
  registerPayloadSchema,
  revokePayloadSchema,
  type GrantBody,
} from './schemas';
import { ConsentService } from './service';

const RESIDENT_ID = 'a'.repeat(64);
const OTHER_RESIDENT = 'b'.repeat(64);
const resident: User = {
  username: 'resident.a',
  displayName: 'A',
  mspId: 'HealthCommMSP',
  role: 'resident',
  residentId: RESIDENT_ID,
};
const doctor: User = {
  username: 'h2.doctor',
  displayName: 'D',
  mspId: 'Hospital2MSP',
  role: 'doctor',
  department: 'General practice',
};
const clerk: User = { username: 'h1.clerk', displayName: 'C', mspId: 'Hospital1MSP', role: 'billing_clerk' };

const key = sm2.generateKeyPairHex();
const sign = (message: string) =>
  sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });

const terms = {
  grantId: 'g-1',
  grantee: { mspId: 'Hospital2MSP' as const, doctorId: 'h2.doctor' },
  purpose: 'TREATMENT' as const,
  referralId: null,
  scope: { recordTypes: ['LAB_REPORT' as const], recordIds: [], fields: ['*'] },
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  useLimit: null,
};

const changeTerms = {
  scope: { recordTypes: ['LAB_REPORT' as const], recordIds: [], fields: ['diagnosis'] },
  notBefore: terms.notBefore,
  notAfter: '2026-06-01T00:00:00.000Z',
  useLimit: 2,
};

/** What the resident was told, as (recipient, type, body). */
const told: string[] = [];

function setup() {
  const ledger = new FakeConsentLedger();
  let nonces = 0;
  const service = new ConsentService({
    ledger,
    logger: silentLogger,
    notifications: {
      notifyQuietly: async (recipient, message) => {
        told.push(`${JSON.stringify(recipient)} ${message.type} ${message.body}`);
      },
    },
    clock: () => new Date('2026-03-01T08:00:00.000Z'),
    newNonce: () => (++nonces).toString(16).padStart(32, '0'),
  });
  return { ledger, service };
}

async function withKey() {
  const { ledger, service } = setup();
  const prepared = await service.signingPayload(resident, { op: 'resident-key.register', publicKey: key.publicKey });
  const payload = registerPayloadSchema.parse(prepared.payload);
  await service.registerKey(resident, { payload, signature: sign(prepared.message) });
  return { ledger, service };
}

async function signedGrant(service: ConsentService): Promise<GrantBody> {
  const prepared = await service.signingPayload(resident, { op: 'consent.grant', grant: terms });
  return { payload: grantPayloadSchema.parse(prepared.payload), signature: sign(prepared.message) };
}

describe('ConsentService signing payloads', () => {
  it('prepares the header, key version and canonical bytes, and the signature over them verifies in the chaincode', async () => {
    const { service } = await withKey();
    const prepared = await service.signingPayload(resident, {
      op: 'consent.grant',
      grant: terms,
      nonce: 'f'.repeat(32),
    });
    expect(prepared.payload).toEqual({
      op: 'consent.grant',
      v: 1,
      residentId: RESIDENT_ID,
      nonce: 'f'.repeat(32),
      signedAt: '2026-03-01T08:00:00.000Z',
      keyVersion: 1,
      grant: terms,
    });
    expect(prepared.message).toBe(canonicalJson(prepared.payload));
    expect(Buffer.from(prepared.messageHex, 'hex').toString('utf8')).toBe(prepared.message);
    expect(prepared.signBefore).toBe('2026-03-01T08:10:00.000Z');
    expect(verifySm2(prepared.message, sign(prepared.message), key.publicKey)).toBe(true);
  });

  it("names the grant's current version for change and revoke, and refuses what cannot be signed", async () => {
    const { service } = await withKey();
    await service.grant(resident, await signedGrant(service));
    const revoke = await service.signingPayload(resident, { op: 'consent.revoke', grantId: 'g-1' });
    expect(revoke.payload).toMatchObject({ op: 'consent.revoke', keyVersion: 1, grantId: 'g-1', version: 1 });
    const change = await service.signingPayload(resident, { op: 'consent.change', grantId: 'g-1', terms: changeTerms });
    expect(change.payload).toMatchObject({ version: 1, terms: changeTerms });
    const rotate = await service.signingPayload(resident, { op: 'resident-key.rotate', newPublicKey: key.publicKey });
    expect(rotate.payload).toMatchObject({ keyVersion: 1, newPublicKey: key.publicKey });
    await expect(service.signingPayload(resident, { op: 'consent.revoke', grantId: 'nope' })).rejects.toMatchObject({
      code: 'GRANT_NOT_FOUND',
    });
    await expect(
      service.signingPayload(resident, { op: 'resident-key.register', publicKey: key.publicKey }),
    ).rejects.toMatchObject({ code: 'RESIDENT_KEY_EXISTS' });
    await expect(setup().service.signingPayload(resident, { op: 'consent.grant', grant: terms })).rejects.toMatchObject(
      {
        code: 'RESIDENT_KEY_UNKNOWN',
      },
    );
    await expect(service.signingPayload(doctor, { op: 'consent.grant', grant: terms })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('ConsentService operations', () => {
  it("submits a resident's operations with the resident's organisation, registering them as the actor", async () => {
    const { ledger, service } = await withKey();
    expect(ledger.keys.get(RESIDENT_ID)?.lastOperation).toMatchObject({ mspId: 'HealthCommMSP', actor: 'resident.a' });
    await expect(service.keyStatus(resident)).resolves.toMatchObject({ registered: true, key: { keyVersion: 1 } });
    await expect(setup().service.keyStatus(resident)).resolves.toEqual({ registered: false });
    const { grant, txId } = await service.grant(resident, await signedGrant(service));
    expect(grant).toMatchObject({ grantId: 'g-1', status: 'ACTIVE', version: 1 });
    expect(txId).toBe(grant.lastOperation.txId);
    expect(ledger.calls.filter((c) => c.startsWith('Grant') || c.startsWith('Register'))).toEqual([
      'RegisterResidentKey HealthCommMSP',
      'Grant HealthCommMSP',
    ]);
    await expect(service.myGrants(resident)).resolves.toHaveLength(1);
    await expect(service.myGrant(resident, 'g-1')).resolves.toMatchObject({ grantId: 'g-1' });
  });

  it('changes and revokes the grant of the path only, and passes the chaincode codes through', async () => {
    const { service } = await withKey();
    await service.grant(resident, await signedGrant(service));
    const prepared = await service.signingPayload(resident, { op: 'consent.revoke', grantId: 'g-1' });
    const body = { payload: revokePayloadSchema.parse(prepared.payload), signature: sign(prepared.message) };
    await expect(service.revoke(resident, 'g-2', body)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(service.revoke(resident, 'g-1', { ...body, signature: FORGED })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(service.revoke(resident, 'g-1', body)).resolves.toMatchObject({ grant: { status: 'REVOKED' } });
    await expect(service.revoke(resident, 'g-1', body)).rejects.toMatchObject({ code: 'CONSENT_NOT_ACTIVE' });
    const change = await service.signingPayload(resident, {
      op: 'consent.change',
      grantId: 'g-1',
      terms: changeTerms,
    });
    const changeBody = { payload: changePayloadSchema.parse(change.payload), signature: sign(change.message) };
    await expect(service.change(resident, 'g-2', changeBody)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(service.change(resident, 'g-1', changeBody)).rejects.toMatchObject({ code: 'CONSENT_NOT_ACTIVE' });
  });

  it("refuses payloads naming another resident, and residents' routes to anyone else", async () => {
    const { service } = await withKey();
    const body = await signedGrant(service);
    await expect(
      service.grant(resident, { ...body, payload: { ...body.payload, residentId: OTHER_RESIDENT } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.grant(clerk, body)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.myGrants(doctor)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.grantsToDoctor(resident)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("shows a doctor the grants naming them or their institution, read as the doctor's institution", async () => {
    const { ledger, service } = await withKey();
    await service.grant(resident, await signedGrant(service));
    const other = await service.signingPayload(resident, {
      op: 'consent.grant',
      grant: { ...terms, grantId: 'g-2', grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.other' } },
    });
    await service.grant(resident, { payload: grantPayloadSchema.parse(other.payload), signature: sign(other.message) });
    const grants = await service.grantsToDoctor(doctor);
    expect(grants.map((g) => g.grantId)).toEqual(['g-1']);
    expect(ledger.calls).toContain('ListGrantsByGrantee Hospital2MSP');
  });
});

describe('ConsentService key recovery', () => {
  const admin: User = { username: 'hc.admin', displayName: 'A', mspId: 'HealthCommMSP', role: 'admin' };
  const newKey = sm2.generateKeyPairHex();
  const signNew = (message: string) =>
    sm2.doSignature(message, newKey.privateKey, { hash: true, der: true, userId: SM2_USER_ID });

  async function recoveryBody(service: ConsentService) {
    const prepared = await service.signingPayload(resident, {
      op: 'resident-key.recover',
      newPublicKey: newKey.publicKey,
    });
    const payload = recoverPayloadSchema.parse(prepared.payload);
    expect(verifySm2(prepared.message, signNew(prepared.message), newKey.publicKey)).toBe(true);
    return { payload, signature: signNew(prepared.message), reason: 'phone lost; ID card checked at the counter' };
  }

  it("prepares the recovery payload naming the lost key's version and the new key", async () => {
    const { service } = await withKey();
    const { payload } = await recoveryBody(service);
    expect(payload).toMatchObject({
      op: 'resident-key.recover',
      residentId: RESIDENT_ID,
      keyVersion: 1,
      newPublicKey: newKey.publicKey,
    });
  });

  it('is submitted by counter staff with their organisation, recording them and the reason', async () => {
    const { ledger, service } = await withKey();
    told.length = 0;
    const { key, txId } = await service.recoverKey(clerk, await recoveryBody(service));
    expect(told).toEqual([
      `{"residentId":"${RESIDENT_ID}"} SIGNING_KEY_CHANGED Your lost signing key was replaced by version 2, recovered by ` +
        `${clerk.displayName} (h1.clerk, Hospital1MSP): phone lost; ID card checked at the counter`,
    ]);
    expect(key).toMatchObject({ publicKey: newKey.publicKey, keyVersion: 2 });
    expect(key.lastOperation).toMatchObject({
      operation: 'RECOVER',
      mspId: 'Hospital1MSP',
      actor: 'h1.clerk',
      reason: 'phone lost; ID card checked at the counter',
      txId,
    });
    expect(ledger.calls).toContain('RecoverResidentKey Hospital1MSP');
    await expect(service.keyStatus(resident)).resolves.toMatchObject({ key: { keyVersion: 2 } });
    await expect(service.recoverKey(admin, await recoveryBody(service))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('refuses residents, doctors and staff of other organisations, and passes the chaincode codes through', async () => {
    const { ledger, service } = await withKey();
    const body = await recoveryBody(service);
    const officer: User = { username: 'mi', displayName: 'M', mspId: 'MedInsMSP', role: 'reimbursement_officer' };
    const insurerClerk: User = { ...clerk, mspId: 'InsurerMSP' };
    for (const user of [resident, doctor, officer, insurerClerk]) {
      await expect(service.recoverKey(user, body)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(ledger.calls.filter((c) => c.startsWith('Recover'))).toEqual([]);
    await expect(service.recoverKey(admin, { ...body, signature: FORGED })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    const stale = { ...body, payload: { ...body.payload, keyVersion: 2 } };
    await expect(service.recoverKey(admin, stale)).rejects.toMatchObject({ code: 'RESIDENT_KEY_SUPERSEDED' });
    await expect(setup().service.recoverKey(admin, body)).rejects.toMatchObject({ code: 'RESIDENT_KEY_UNKNOWN' });
  });
});
