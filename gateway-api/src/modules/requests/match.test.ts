import { grantMismatch, termsForRequest } from './match';
import type { StoredAccessRequest } from './store';

const request: StoredAccessRequest = {
  requestId: `req-${'a'.repeat(24)}`,
  residentId: 'c'.repeat(64),
  doctor: { username: 'h1.doctor', mspId: 'Hospital1MSP', displayName: 'D', department: null },
  purpose: 'REFERRAL',
  scope: { recordTypes: ['LAB_REPORT'], recordIds: ['r-1'], fields: ['diagnosis'] },
  notBefore: '2026-03-01T08:00:00.000Z',
  notAfter: '2026-03-08T08:00:00.000Z',
  useLimit: 3,
  referralId: 'REF-1',
  message: '',
  status: 'PENDING',
  createdAt: '2026-03-01T08:00:00.000Z',
  answerBy: '2026-03-02T08:00:00.000Z',
  decidedAt: null,
  grantId: null,
  txId: null,
  reason: null,
};

describe('grantMismatch', () => {
  const terms = termsForRequest(request);

  it('accepts exactly the terms of the request, to its doctor, under the grant id of the request', () => {
    expect(terms).toMatchObject({ grantId: `grant-${'a'.repeat(24)}`, grantee: { doctorId: 'h1.doctor' } });
    expect(grantMismatch(request, JSON.parse(JSON.stringify(terms)) as typeof terms)).toBeUndefined();
  });

  it.each([
    ['grantId', { grantId: 'g-other' }],
    ['grantee', { grantee: { mspId: 'Hospital1MSP' as const, doctorId: null } }],
    ['grantee', { grantee: { mspId: 'Hospital2MSP' as const, doctorId: 'h1.doctor' } }],
    ['purpose', { purpose: 'TREATMENT' as const }],
    ['referralId', { referralId: null }],
    ['scope', { scope: { ...request.scope, fields: ['*'] } }],
    ['scope', { scope: { ...request.scope, recordIds: [] } }],
    ['notBefore', { notBefore: '2026-03-01T07:00:00.000Z' }],
    ['notAfter', { notAfter: '2026-03-09T08:00:00.000Z' }],
    ['useLimit', { useLimit: null }],
  ])('names %s when it differs', (field, change) => {
    expect(grantMismatch(request, { ...terms, ...change })).toBe(field);
  });
});
