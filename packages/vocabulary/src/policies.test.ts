import { ALL_FIELDS, CONSENT_SIGNING_DESCRIPTION, SIGNED_PAYLOAD_MEMBERS } from './consent';
import { HEALTH_RECORD_TYPES } from './health-records';
import {
  BREAK_GLASS_FLOOR_FIELDS,
  BREAK_GLASS_FLOOR_TYPES,
  DEFAULT_POLICY_PREFERENCES,
  defaultPolicyPreferences,
} from './policies';

describe('general policies and their narrowing', () => {
  it('default to the general policies as the platform sets them: nothing excluded, break-glass reads all', () => {
    expect(defaultPolicyPreferences('a'.repeat(64))).toEqual({
      residentId: 'a'.repeat(64),
      preferences: {
        sourceOrg: { excludedRecordTypes: [], excludedOrgs: [], notAfter: null },
        breakGlass: { recordTypes: [...HEALTH_RECORD_TYPES], fields: [ALL_FIELDS] },
      },
      version: 0,
      updatedAt: null,
      lastOperation: null,
    });
    expect(Object.isFrozen(DEFAULT_POLICY_PREFERENCES.breakGlass)).toBe(true);
  });

  it('keep a break-glass floor of known record types and fields', () => {
    for (const type of BREAK_GLASS_FLOOR_TYPES) expect(HEALTH_RECORD_TYPES).toContain(type);
    expect(BREAK_GLASS_FLOOR_FIELDS).toContain('allergies');
  });

  it('are a signed operation described with the others', () => {
    expect(SIGNED_PAYLOAD_MEMBERS['consent.policies']).toEqual(['keyVersion', 'version', 'preferences']);
    expect(CONSENT_SIGNING_DESCRIPTION).toContain('"consent.policies"');
    expect(CONSENT_SIGNING_DESCRIPTION).toContain('breakGlass: recordTypes, fields');
  });
});
