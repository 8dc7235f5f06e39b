import { parseGrantList, parseKeyStatus, parsePrepared } from './consent-parse';
import { mergeGrant } from './pages/resident/grant-list';
import { parseSession, ResponseShapeError } from './parse';

const grant = {
  residentId: 'a'.repeat(64),
  grantId: 'g-1',
  grantee: { mspId: 'Hospital1MSP', doctorId: null },
  purpose: 'TREATMENT',
  referralId: null,
  scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] },
  notBefore: '2026-11-30T00:00:00.000Z',
  notAfter: '2026-12-30T00:00:00.000Z',
  useLimit: null,
  uses: 0,
  status: 'ACTIVE',
  version: 1,
  createdAt: '2026-11-30T00:00:00.000Z',
  updatedAt: '2026-11-30T00:00:00.000Z',
};

describe('consent answers', () => {
  test('a grant list is read field by field', () => {
    const [read] = parseGrantList({ grants: [grant] });
    expect(read).toMatchObject({ grantId: 'g-1', grantee: { doctorId: null }, status: 'ACTIVE', useLimit: null });
    expect(() => parseGrantList({ grants: [{ ...grant, status: 'PAUSED' }] })).toThrow('body.grants[0].status');
    expect(() => parseGrantList({})).toThrow(ResponseShapeError);
  });

  test('the key status, with or without a key', () => {
    expect(parseKeyStatus({ registered: false })).toEqual({ registered: false, key: undefined });
    const lastOperation = { operation: 'RECOVER', mspId: 'Hospital1MSP', actor: 'h1.clerk', timestamp: 'x', txId: 't' };
    const key = { residentId: 'a'.repeat(64), publicKey: '04ab', keyVersion: 2, updatedAt: 'x', registeredAt: 'y' };
    expect(parseKeyStatus({ registered: true, key: { ...key, lastOperation } }).key).toEqual({
      residentId: key.residentId,
      publicKey: '04ab',
      keyVersion: 2,
      updatedAt: 'x',
      lastOperation: { operation: 'RECOVER', mspId: 'Hospital1MSP', timestamp: 'x' },
    });
    const unknown = { ...key, lastOperation: { ...lastOperation, operation: 'STEAL' } };
    expect(() => parseKeyStatus({ registered: true, key: unknown })).toThrow('body.key.lastOperation.operation');
  });

  test('a signing payload', () => {
    expect(parsePrepared({ payload: { op: 'x' }, message: '{"op":"x"}', messageHex: '7b', signBefore: 'z' })).toEqual({
      payload: { op: 'x' },
      message: '{"op":"x"}',
      messageHex: '7b',
    });
    expect(() => parsePrepared({ payload: [], message: '', messageHex: '' })).toThrow('body.payload');
  });

  test("the session keeps a resident's id and a doctor's department when the gateway sends them", () => {
    const user = {
      username: 'r',
      displayName: 'R',
      mspId: 'HealthCommMSP',
      role: 'resident',
      residentId: 'a'.repeat(64),
    };
    expect(parseSession({ token: 't', expiresAt: 'e', user }).user.residentId).toBe('a'.repeat(64));
    expect(
      parseSession({ token: 't', expiresAt: 'e', user: { ...user, residentId: undefined } }).user,
    ).not.toHaveProperty('residentId');
  });

  test('a changed grant replaces its older state; a new one comes first', () => {
    const [a] = parseGrantList({ grants: [grant] });
    const revoked = { ...a!, status: 'REVOKED' as const };
    const other = { ...a!, grantId: 'g-2' };
    expect(mergeGrant([a!], revoked)).toEqual([revoked]);
    expect(mergeGrant([a!], other)).toEqual([other, a]);
  });
});
