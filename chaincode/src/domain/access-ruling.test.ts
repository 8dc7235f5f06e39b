import {
  BREAK_GLASS_FLOOR_FIELDS,
  BREAK_GLASS_FLOOR_TYPES,
  DEFAULT_POLICY_PREFERENCES,
  HEALTH_RECORD_TYPES,
  type DecideAccessInput,
  type HealthRecordType,
  type PolicyPreferences,
  type RecordIndex,
} from '@hdt/vocabulary';
import { ruleAccess } from './access-ruling';
import { parsePolicyPreferences } from './policy-inputs';

const TX = { mspId: 'Hospital1MSP', txId: 'tx', timestamp: '2026-06-01T00:00:00.000Z' };

function record(type: HealthRecordType, sourceOrg = 'Hospital1MSP'): RecordIndex {
  return {
    recordId: `R-${type}`,
    patientId: 'a'.repeat(64),
    encounterId: 'E-1',
    type,
    recordedAt: '2026-01-01T00:00:00.000Z',
    digest: 'd1'.repeat(32),
    classification: 3,
    pointer: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
    sourceOrg,
    batchId: 'b-1',
    leafIndex: 0,
    leaf: 'e1'.repeat(32),
    status: 'ACTIVE',
    version: 1,
    registeredAt: '2026-01-01T00:00:00.000Z',
    lastOperation: {
      operation: 'REGISTER',
      mspId: sourceOrg,
      txId: 'tx-0',
      timestamp: '2026-01-01T00:00:00.000Z',
      reason: '',
    },
  };
}

function input(overrides: Partial<DecideAccessInput> = {}): DecideAccessInput {
  return {
    requestId: '00000000-0000-4000-8000-000000000001',
    recordId: 'R',
    userId: 'h1.doctor',
    purpose: 'TREATMENT',
    fields: ['diagnosis', 'address'],
    grantId: null,
    breakGlassReason: null,
    ...overrides,
  };
}

const GLASS = { purpose: 'EMERGENCY', breakGlassReason: 'unconscious patient in resus' } as const;

/** The narrowest document that parses: every source-org read excluded, break-glass at its floor. */
const NARROWEST: PolicyPreferences = parsePolicyPreferences(
  {
    sourceOrg: {
      excludedRecordTypes: [...HEALTH_RECORD_TYPES],
      excludedOrgs: ['Hospital1MSP', 'Hospital2MSP'],
      notAfter: '2026-01-01T00:00:00.000Z',
    },
    breakGlass: { recordTypes: [...BREAK_GLASS_FLOOR_TYPES], fields: [...BREAK_GLASS_FLOOR_FIELDS] },
  },
  'preferences',
);

const rule = (type: HealthRecordType, preferences: PolicyPreferences, overrides: Partial<DecideAccessInput> = {}) =>
  ruleAccess(input(overrides), { record: record(type), grant: undefined, preferences }, TX);

describe('ruleAccess with policy preferences', () => {
  it('never allows what the defaults refuse, nor releases more fields than they do', () => {
    const cases: Partial<DecideAccessInput>[] = [{}, { ...GLASS }, { ...GLASS, fields: ['allergies', 'address'] }];
    for (const type of HEALTH_RECORD_TYPES) {
      for (const overrides of cases) {
        const wide = rule(type, DEFAULT_POLICY_PREFERENCES, overrides);
        const narrow = rule(type, NARROWEST, overrides);
        if (!wide.allowed) expect(narrow.allowed).toBe(false);
        for (const field of narrow.fields) expect(wide.fields).toContain(field);
      }
    }
    const otherHospital = ruleAccess(
      input(),
      { record: record('LAB_REPORT', 'Hospital2MSP'), grant: undefined, preferences: DEFAULT_POLICY_PREFERENCES },
      TX,
    );
    expect(otherHospital).toMatchObject({ allowed: false, reason: 'NO_GRANT' });
  });

  it('keeps emergencies possible: the floor types and fields are always released to break-glass', () => {
    for (const type of BREAK_GLASS_FLOOR_TYPES) {
      const ruling = rule(type, NARROWEST, { ...GLASS, fields: [...BREAK_GLASS_FLOOR_FIELDS, 'address'] });
      expect(ruling).toMatchObject({ allowed: true, basis: 'BREAK_GLASS', withheldFields: ['address'] });
      expect(ruling.fields).toEqual([...BREAK_GLASS_FLOOR_FIELDS]);
    }
  });

  it('refuses narrowed reads with POLICY_NARROWED under the policy that was narrowed', () => {
    expect(rule('LAB_REPORT', NARROWEST)).toMatchObject({
      allowed: false,
      basis: 'SOURCE_ORG',
      reason: 'POLICY_NARROWED',
    });
    expect(rule('IMAGING_REPORT', NARROWEST, { ...GLASS })).toMatchObject({
      allowed: false,
      basis: 'BREAK_GLASS',
      reason: 'POLICY_NARROWED',
    });
    expect(rule('LAB_REPORT', DEFAULT_POLICY_PREFERENCES)).toMatchObject({ allowed: true, basis: 'SOURCE_ORG' });
  });
});
