import { canonicalJson } from './canonical-json';
import {
  ACCESS_REFUSALS,
  ALL_FIELDS,
  CONSENT_EVENTS,
  CONSENT_OPERATIONS,
  CONSENT_SIGNING_DESCRIPTION,
  GRANT_ID,
  NONCE,
  RESIDENT_ID,
  RESIDENT_KEY_EVENTS,
  SIGNATURE_MAX_AGE_SECONDS,
  SIGNED_OPERATIONS,
  SIGNED_PAYLOAD_MEMBERS,
  GRANT_TERMS_MEMBERS,
  SM2_PUBLIC_KEY,
  SM2_SIGNATURE,
  SM2_USER_ID,
  type RevokePayload,
  mayManageResidentKeys,
} from './consent';
import { RECORD_FIELD, RECORD_ID } from './health-records';

describe('resident keys and signatures', () => {
  it('accept an uncompressed SM2 public key only', () => {
    const x = 'ab'.repeat(32);
    expect(SM2_PUBLIC_KEY.test(`04${x}${x}`)).toBe(true);
    expect(SM2_PUBLIC_KEY.test(`02${x}`)).toBe(false);
    expect(SM2_PUBLIC_KEY.test(`04${x}${x}`.toUpperCase())).toBe(false);
    expect(SM2_PUBLIC_KEY.test(`04${x}${x}00`)).toBe(false);
  });

  it('accept DER signatures of 8..72 bytes in lowercase hexadecimal', () => {
    expect(SM2_SIGNATURE.test(`3044${'02'}20${'11'.repeat(32)}0220${'22'.repeat(32)}`)).toBe(true);
    expect(SM2_SIGNATURE.test('30060201010201')).toBe(false);
    expect(SM2_SIGNATURE.test('3006020101020101')).toBe(true);
    expect(SM2_SIGNATURE.test(`30${'00'.repeat(72)}`)).toBe(false);
    expect(SM2_SIGNATURE.test(`31${'00'.repeat(10)}`)).toBe(false);
    expect(SM2_SIGNATURE.test('300602010102010')).toBe(false);
  });

  it('name residents by a 64-hex pseudonym and operations by a 32-hex nonce', () => {
    expect(RESIDENT_ID.test('a'.repeat(64))).toBe(true);
    expect(RESIDENT_ID.test('a'.repeat(63))).toBe(false);
    expect(NONCE.test('0f'.repeat(16))).toBe(true);
    expect(NONCE.test('0F'.repeat(16))).toBe(false);
  });

  it('let the health commission and hospitals, not payers, manage resident keys', () => {
    expect(['HealthCommMSP', 'Hospital1MSP', 'Hospital2MSP'].every(mayManageResidentKeys)).toBe(true);
    expect(['MedInsMSP', 'InsurerMSP', 'Org9MSP', ''].some(mayManageResidentKeys)).toBe(false);
  });
});

describe('grants', () => {
  it('take short printable ids', () => {
    expect(GRANT_ID.test('2f1c7a52-3d4e-4b7a-9c10-6f7e8d9a0b1c')).toBe(true);
    expect(GRANT_ID.test('-leading')).toBe(false);
    expect(GRANT_ID.test('x'.repeat(65))).toBe(false);
    expect(RECORD_ID.test('LAB:2026:000123')).toBe(true);
    expect(RECORD_ID.test('has space')).toBe(false);
  });

  it('name fields by dotted paths, never the wildcard', () => {
    expect(RECORD_FIELD.test('diagnosis')).toBe(true);
    expect(RECORD_FIELD.test('labResults.value')).toBe(true);
    expect(RECORD_FIELD.test(ALL_FIELDS)).toBe(false);
    expect(RECORD_FIELD.test('a..b')).toBe(false);
    expect(RECORD_FIELD.test('1st')).toBe(false);
    expect(RECORD_FIELD.test(`a${'b'.repeat(128)}`)).toBe(false);
  });

  it('have one event per operation and distinct refusal reasons', () => {
    expect(Object.keys(CONSENT_EVENTS)).toEqual([...CONSENT_OPERATIONS]);
    expect(new Set(Object.values(CONSENT_EVENTS)).size).toBe(CONSENT_OPERATIONS.length);
    expect(Object.values(RESIDENT_KEY_EVENTS)).toEqual([
      'ResidentKeyRegistered',
      'ResidentKeyRotated',
      'ResidentKeyRecovered',
    ]);
    expect(new Set(ACCESS_REFUSALS).size).toBe(ACCESS_REFUSALS.length);
  });
});

describe('the signing description', () => {
  it('names every signed operation, the distinguishing id, DER and the time window', () => {
    for (const op of Object.values(SIGNED_OPERATIONS)) expect(CONSENT_SIGNING_DESCRIPTION).toContain(`"${op}"`);
    expect(CONSENT_SIGNING_DESCRIPTION).toContain(`"${SM2_USER_ID}"`);
    expect(CONSENT_SIGNING_DESCRIPTION).toContain('distid:1234567812345678');
    expect(CONSENT_SIGNING_DESCRIPTION).toContain('SEQUENCE { INTEGER r, INTEGER s }');
    expect(CONSENT_SIGNING_DESCRIPTION).toContain(`${SIGNATURE_MAX_AGE_SECONDS} s before`);
    expect(SM2_USER_ID).toBe('1234567812345678');
  });

  it('lists the members of every signed payload, in the description too', () => {
    expect(Object.keys(SIGNED_PAYLOAD_MEMBERS).sort()).toEqual(Object.values(SIGNED_OPERATIONS).sort());
    expect(CONSENT_SIGNING_DESCRIPTION).toContain('consent.change: keyVersion, grantId, version, terms');
    expect(CONSENT_SIGNING_DESCRIPTION).toContain(`grant: ${GRANT_TERMS_MEMBERS.join(', ')};`);
  });

  it('describes the bytes canonical JSON gives for a payload', () => {
    const payload: RevokePayload = {
      v: 1,
      op: 'consent.revoke',
      version: 2,
      signedAt: '2026-01-05T08:30:00.000Z',
      residentId: 'a'.repeat(64),
      nonce: '0'.repeat(32),
      keyVersion: 1,
      grantId: 'g-1',
    };
    expect(canonicalJson(payload)).toBe(
      `{"grantId":"g-1","keyVersion":1,"nonce":"${'0'.repeat(32)}","op":"consent.revoke",` +
        `"residentId":"${'a'.repeat(64)}","signedAt":"2026-01-05T08:30:00.000Z","v":1,"version":2}`,
    );
  });
});
