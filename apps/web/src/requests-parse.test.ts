import { parseAccessRequest, parseApproved, parseRequestList } from './requests-parse';

const terms = {
  purpose: 'REFERRAL',
  referralId: 'ref-1',
  scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] },
  notBefore: '2026-11-30T00:00:00.000Z',
  notAfter: '2026-12-30T00:00:00.000Z',
};

const request = {
  requestId: 'r-1',
  residentId: 'a'.repeat(64),
  doctor: { username: 'doc', mspId: 'Hospital1MSP', displayName: 'Dr. Doc' },
  ...terms,
  message: 'please',
  status: 'PENDING',
  answerBy: '2026-12-01T00:00:00.000Z',
  grantId: null,
  reason: null,
  grant: { grantId: 'g-1', grantee: { mspId: 'Hospital1MSP', doctorId: 'doc' }, ...terms, useLimit: 3 },
};

describe('access-request answers', () => {
  test('a request and the grant terms that approve it are read field by field', () => {
    const read = parseAccessRequest(request);
    expect(read).toEqual(request);
    expect(parseRequestList({ requests: [request] })).toEqual([read]);
    expect(parseApproved({ request: { ...request, grant: { ...request.grant, useLimit: null } } }).grant.useLimit).toBe(
      null,
    );
  });

  test('a wrong field is named by its path', () => {
    expect(() => parseAccessRequest({ ...request, purpose: 'FUN' })).toThrow('body.purpose');
    expect(() => parseAccessRequest({ ...request, scope: { ...terms.scope, recordTypes: ['X'] } })).toThrow(
      'body.scope.recordTypes[0]',
    );
    const grant = { ...request.grant, grantee: { mspId: 'NoMSP', doctorId: null } };
    expect(() => parseAccessRequest({ ...request, grant })).toThrow('body.grant.grantee.mspId');
    expect(() => parseAccessRequest({ ...request, grant: { ...request.grant, useLimit: -1 } })).toThrow(
      'body.grant.useLimit',
    );
  });
});
