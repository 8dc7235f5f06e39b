import type { AccessRequest, ConsentGrant } from '@hdt/vocabulary';
import { RESIDENT_A, RESIDENT_B } from '../../test/consent';
import { checkAccess } from './access';

const NOW = '2026-03-01T10:00:00.000Z';

/** A grant as the consent contract stores it: A lets one Hospital2 doctor read lab reports for treatment. */
function grant(overrides: Partial<ConsentGrant> = {}): ConsentGrant {
  return {
    grantId: 'g-1',
    residentId: RESIDENT_A,
    grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['diagnosis', 'labResults'] },
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-06-01T00:00:00.000Z',
    useLimit: null,
    uses: 0,
    status: 'ACTIVE',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastOperation: {
      operation: 'GRANT',
      mspId: 'Hospital2MSP',
      actor: '',
      timestamp: '2026-01-01T00:00:00.000Z',
      txId: 'tx-g',
      keyVersion: 1,
      nonce: '0'.repeat(32),
      signedAt: '2026-01-01T00:00:00.000Z',
      signature: '3006020101020101',
    },
    ...overrides,
  };
}

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    residentId: RESIDENT_A,
    mspId: 'Hospital2MSP',
    userId: 'h2.doctor',
    purpose: 'TREATMENT',
    recordType: 'LAB_REPORT',
    recordId: 'LAB-1',
    fields: ['diagnosis'],
    ...overrides,
  };
}

function reason(g: ConsentGrant, r: AccessRequest, at = NOW): string {
  const decision = checkAccess(g, r, at);
  return decision.allowed ? 'allowed' : decision.reason;
}

describe('checkAccess', () => {
  it('allows the grantee doctor, for the purpose, a record and fields in scope, within the window', () => {
    expect(checkAccess(grant(), request(), NOW)).toEqual({
      allowed: true,
      grantId: 'g-1',
      fields: ['diagnosis'],
      withheldFields: [],
    });
  });

  it('refuses an expired grant from notAfter on, and one not yet valid', () => {
    expect(reason(grant(), request(), '2026-05-31T23:59:59.999Z')).toBe('allowed');
    expect(reason(grant(), request(), '2026-06-01T00:00:00.000Z')).toBe('GRANT_EXPIRED');
    expect(reason(grant({ status: 'EXPIRED' }), request())).toBe('GRANT_EXPIRED');
    expect(reason(grant({ notBefore: '2026-04-01T00:00:00.000Z' }), request())).toBe('GRANT_NOT_YET_VALID');
  });

  it('refuses a revoked grant, and one ended by the close of its referral', () => {
    expect(reason(grant({ status: 'REVOKED' }), request())).toBe('GRANT_REVOKED');
    expect(reason(grant({ status: 'ENDED', purpose: 'REFERRAL', referralId: 'REF-1' }), request())).toBe('GRANT_ENDED');
  });

  it('refuses a purpose the grant was not given for', () => {
    expect(reason(grant(), request({ purpose: 'RESEARCH' }))).toBe('PURPOSE_MISMATCH');
    expect(reason(grant(), request({ purpose: 'INSURANCE_CLAIM' }))).toBe('PURPOSE_MISMATCH');
  });

  it("does not open resident B's records with resident A's grant", () => {
    expect(reason(grant(), request({ residentId: RESIDENT_B }))).toBe('RESIDENT_MISMATCH');
  });

  it('refuses another institution, and another doctor when the grant names one', () => {
    expect(reason(grant(), request({ mspId: 'Hospital1MSP' }))).toBe('GRANTEE_MISMATCH');
    expect(reason(grant(), request({ userId: 'h2.other' }))).toBe('GRANTEE_MISMATCH');
    const institution = grant({ grantee: { mspId: 'Hospital2MSP', doctorId: null } });
    expect(reason(institution, request({ userId: 'h2.other' }))).toBe('allowed');
    expect(reason(institution, request({ mspId: 'InsurerMSP' }))).toBe('GRANTEE_MISMATCH');
  });

  it('refuses record types and records outside the scope', () => {
    expect(reason(grant(), request({ recordType: 'PRESCRIPTION' }))).toBe('RECORD_TYPE_OUT_OF_SCOPE');
    const specific = grant({ scope: { recordTypes: ['LAB_REPORT'], recordIds: ['LAB-7'], fields: ['*'] } });
    expect(reason(specific, request())).toBe('RECORD_OUT_OF_SCOPE');
    expect(reason(specific, request({ recordId: 'LAB-7' }))).toBe('allowed');
  });

  it('releases only the fields in scope, names those withheld, and refuses when none is in scope', () => {
    const decision = checkAccess(grant(), request({ fields: ['idNumber', 'labResults', 'address', 'diagnosis'] }), NOW);
    expect(decision).toEqual({
      allowed: true,
      grantId: 'g-1',
      fields: ['labResults', 'diagnosis'],
      withheldFields: ['idNumber', 'address'],
    });
    expect(reason(grant(), request({ fields: ['idNumber'] }))).toBe('FIELDS_OUT_OF_SCOPE');
    expect(reason(grant(), request({ fields: [] }))).toBe('FIELDS_OUT_OF_SCOPE');
    const all = grant({ scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] } });
    expect(checkAccess(all, request({ fields: ['idNumber', 'address'] }), NOW)).toMatchObject({
      allowed: true,
      fields: ['idNumber', 'address'],
      withheldFields: [],
    });
  });

  it('refuses once the use limit is used up', () => {
    expect(reason(grant({ useLimit: 2, uses: 1 }), request())).toBe('allowed');
    expect(reason(grant({ useLimit: 2, uses: 2 }), request())).toBe('USE_LIMIT_REACHED');
    expect(reason(grant({ useLimit: null, uses: 1000 }), request())).toBe('allowed');
  });

  it('gives the first reason in the documented order', () => {
    const everythingWrong = request({ residentId: RESIDENT_B, purpose: 'RESEARCH', recordType: 'PRESCRIPTION' });
    expect(reason(grant({ status: 'REVOKED' }), everythingWrong)).toBe('RESIDENT_MISMATCH');
    expect(reason(grant({ status: 'REVOKED' }), request({ purpose: 'RESEARCH' }))).toBe('GRANT_REVOKED');
    expect(reason(grant(), request({ mspId: 'Hospital1MSP', purpose: 'RESEARCH' }))).toBe('GRANTEE_MISMATCH');
  });
});
