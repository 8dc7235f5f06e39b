import { ALL_FIELDS, BREAK_GLASS_FLOOR_TYPES, DEFAULT_POLICY_PREFERENCES } from '@hdt/vocabulary';
import { setLang } from './i18n';
import { InputError } from './messages';
import { OPTIONAL_GLASS_TYPES, type PolicyFormModel, policyForm, readPolicyForm } from './policy-form';
import { parsePolicies } from './policy-parse';

const HOSPITALS = ['Hospital1MSP', 'Hospital2MSP'];

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof InputError) return err.text();
    throw err;
  }
  throw new Error('not refused');
}

describe('the policy preferences form', () => {
  beforeAll(() => setLang('en'));
  afterAll(() => setLang('zh'));

  test('shows the defaults as nothing excluded and every field for emergencies, and reads them back unchanged', () => {
    const form = policyForm(DEFAULT_POLICY_PREFERENCES);
    expect(form).toEqual({
      excludedTypes: [],
      excludedOrgs: [],
      sourceOrgUntil: '',
      glassTypes: [...OPTIONAL_GLASS_TYPES],
      glassAllFields: true,
      glassFields: '',
    });
    expect(readPolicyForm(form, HOSPITALS)).toEqual(DEFAULT_POLICY_PREFERENCES);
  });

  test('maps exclusions in vocabulary order and always keeps the emergency floor', () => {
    const form: PolicyFormModel = {
      excludedTypes: ['PRESCRIPTION', 'ENCOUNTER', 'NOT_A_TYPE'],
      excludedOrgs: ['Hospital2MSP', 'InsurerMSP'],
      sourceOrgUntil: '2027-01-01',
      glassTypes: [],
      glassAllFields: false,
      glassFields: 'bloodType，diagnosis',
    };
    const preferences = readPolicyForm(form, HOSPITALS);
    expect(preferences.sourceOrg).toEqual({
      excludedRecordTypes: ['ENCOUNTER', 'PRESCRIPTION'],
      excludedOrgs: ['Hospital2MSP'],
      notAfter: new Date('2027-01-01T00:00:00').toISOString(),
    });
    expect(preferences.breakGlass.recordTypes).toEqual([...BREAK_GLASS_FLOOR_TYPES]);
    expect(preferences.breakGlass.fields).toEqual(['allergies', 'diagnosis', 'medications', 'bloodType']);
    expect(preferences.breakGlass.fields).not.toContain(ALL_FIELDS);
    const back = policyForm(preferences);
    expect(back).toMatchObject({ sourceOrgUntil: '2027-01-01', glassFields: 'bloodType', glassTypes: [] });
  });

  test('refuses malformed fields and dates, naming the problem', () => {
    const form = { ...policyForm(DEFAULT_POLICY_PREFERENCES), glassAllFields: false, glassFields: 'lab results!' };
    expect(refusal(() => readPolicyForm(form, HOSPITALS))).toMatch(/Fields must look like/);
    const badDay = { ...policyForm(DEFAULT_POLICY_PREFERENCES), sourceOrgUntil: '2027-13-45' };
    expect(refusal(() => readPolicyForm(badDay, HOSPITALS))).toMatch(/date/);
  });

  test("checks the API's answer field by field", () => {
    const answer = { residentId: 'a', preferences: DEFAULT_POLICY_PREFERENCES, version: 0, updatedAt: null };
    expect(parsePolicies(answer)).toEqual({ preferences: DEFAULT_POLICY_PREFERENCES, version: 0, updatedAt: null });
    const broken = { ...answer, preferences: { ...DEFAULT_POLICY_PREFERENCES, breakGlass: { recordTypes: ['X'] } } };
    expect(() => parsePolicies(broken)).toThrow(/breakGlass/);
  });
});
