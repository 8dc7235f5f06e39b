import { ALL_FIELDS } from '@hdt/vocabulary';
import type { GrantView } from './consent-parse';
import { changeFormOf, changesGrant, readChangeForm } from './grant-change';
import { InputError } from './messages';

const grant: GrantView = {
  residentId: 'a'.repeat(64),
  grantId: 'g-1',
  grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' },
  purpose: 'TREATMENT',
  referralId: null,
  scope: { recordTypes: ['ENCOUNTER', 'LAB_REPORT'], recordIds: ['R-1'], fields: [ALL_FIELDS] },
  notBefore: new Date(2026, 10, 30, 9, 15).toISOString(),
  notAfter: new Date(2026, 11, 30, 17, 45).toISOString(),
  useLimit: 5,
  uses: 2,
  status: 'ACTIVE',
  version: 1,
  updatedAt: new Date(2026, 10, 30, 9, 15).toISOString(),
};
const now = new Date(2026, 11, 1, 12, 0);

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof InputError) return err.text();
    throw err;
  }
  throw new Error('not refused');
}

describe('the grant change form', () => {
  test('starts as the grant is: types, fields, first and last day, use limit', () => {
    expect(changeFormOf(grant)).toEqual({
      recordTypes: ['ENCOUNTER', 'LAB_REPORT'],
      fields: '*',
      from: '2026-11-30',
      to: '2026-12-30',
      useLimit: '5',
    });
    expect(changeFormOf({ ...grant, useLimit: null, scope: { ...grant.scope, fields: ['a', 'b.c'] } })).toMatchObject({
      fields: 'a, b.c',
      useLimit: '',
    });
  });

  test('left as it is, gives back the grant’s own terms, to the minute: nothing to sign', () => {
    const terms = readChangeForm(changeFormOf(grant), grant, now);
    expect(terms).toEqual({
      scope: grant.scope,
      notBefore: grant.notBefore,
      notAfter: grant.notAfter,
      useLimit: 5,
    });
    expect(changesGrant(terms, grant)).toBe(false);
  });

  test('narrows fields and record types, keeps the specific records, ends on a new last day', () => {
    const form = { ...changeFormOf(grant), recordTypes: ['LAB_REPORT'], fields: 'diagnosis, labResults.value' };
    const terms = readChangeForm({ ...form, to: '2026-12-10', useLimit: '' }, grant, now);
    expect(terms).toEqual({
      scope: { recordTypes: ['LAB_REPORT'], recordIds: ['R-1'], fields: ['diagnosis', 'labResults.value'] },
      notBefore: grant.notBefore,
      notAfter: new Date(2026, 11, 11).toISOString(),
      useLimit: null,
    });
    expect(changesGrant(terms, grant)).toBe(true);
  });

  test('a changed first day starts at its midnight', () => {
    const terms = readChangeForm({ ...changeFormOf(grant), from: '2026-12-02' }, grant, now);
    expect(terms.notBefore).toBe(new Date(2026, 11, 2).toISOString());
  });

  test('refuses a window that ended, a limit below the uses made, no record type, bad fields', () => {
    const form = changeFormOf(grant);
    expect(refusal(() => readChangeForm({ ...form, to: '2026-11-30' }, grant, now))).toContain('结束日期已过');
    expect(refusal(() => readChangeForm({ ...form, to: '2026-11-29' }, grant, now))).toBeTruthy();
    expect(refusal(() => readChangeForm({ ...form, useLimit: '1' }, grant, now))).toContain('2');
    expect(refusal(() => readChangeForm({ ...form, useLimit: '0' }, grant, now))).toBeTruthy();
    expect(refusal(() => readChangeForm({ ...form, recordTypes: [] }, grant, now))).toBeTruthy();
    expect(refusal(() => readChangeForm({ ...form, fields: 'diagnosis; drop' }, grant, now))).toBeTruthy();
  });
});
