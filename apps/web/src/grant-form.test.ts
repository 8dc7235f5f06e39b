import { ALL_FIELDS } from '@hdt/vocabulary';
import {
  checkNewPassphrase,
  type GrantFormModel,
  newGrantForm,
  readFields,
  readGrantForm,
  readWindow,
} from './grant-form';
import { InputError } from './messages';

function filled(): GrantFormModel {
  return {
    ...newGrantForm(new Date(2026, 10, 30)),
    mspId: 'Hospital1MSP',
    doctorId: 'h1.doctor',
    recordTypes: ['LAB_REPORT', 'ENCOUNTER'],
  };
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof InputError) return err.text();
    throw err;
  }
  throw new Error('not refused');
}

describe('the grant form', () => {
  test('starts as a 30-day treatment grant from today', () => {
    expect(newGrantForm(new Date(2026, 10, 30))).toMatchObject({
      purpose: 'TREATMENT',
      from: '2026-11-30',
      to: '2026-12-29',
    });
  });

  test('reads the terms of a grant, days from start of the first to end of the last', () => {
    expect(readGrantForm(filled(), 'g-1')).toEqual({
      grantId: 'g-1',
      grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' },
      purpose: 'TREATMENT',
      referralId: null,
      scope: { recordTypes: ['ENCOUNTER', 'LAB_REPORT'], recordIds: [], fields: [ALL_FIELDS] },
      notBefore: new Date(2026, 10, 30).toISOString(),
      notAfter: new Date(2026, 11, 30).toISOString(),
      useLimit: null,
    });
  });

  test('grants a whole hospital when no doctor is named, with a use limit and fields', () => {
    const terms = readGrantForm(
      { ...filled(), doctorId: ' ', useLimit: '3', fields: 'diagnosis, labResults.value' },
      'g-2',
    );
    expect(terms.grantee).toEqual({ mspId: 'Hospital1MSP', doctorId: null });
    expect(terms.useLimit).toBe(3);
    expect(terms.scope.fields).toEqual(['diagnosis', 'labResults.value']);
  });

  test('refuses what the API would refuse, naming the field', () => {
    expect(refusal(() => readGrantForm({ ...filled(), mspId: 'MedInsMSP' }, 'g'))).toBe('请选择医院');
    expect(refusal(() => readGrantForm({ ...filled(), doctorId: 'dr who' }, 'g'))).toBe('医生账号格式不正确');
    expect(refusal(() => readGrantForm({ ...filled(), recordTypes: [] }, 'g'))).toBe('请至少选择一种档案类型');
    expect(refusal(() => readGrantForm({ ...filled(), purpose: 'REFERRAL' }, 'g'))).toMatch(/转诊单号/);
    expect(refusal(() => readGrantForm({ ...filled(), useLimit: '0' }, 'g'))).toBe('次数上限应为正整数');
    expect(refusal(() => readGrantForm({ ...filled(), useLimit: '1.5' }, 'g'))).toBe('次数上限应为正整数');
  });

  test('needs a last day not before the first, both real days', () => {
    expect(readWindow('2026-11-30', '2026-11-30').notAfter).toBe(new Date(2026, 11, 1).toISOString());
    expect(refusal(() => readWindow('2026-11-30', '2026-11-29'))).toMatch(/结束日期/);
    expect(refusal(() => readWindow('2026-02-30', '2026-03-02'))).toMatch(/结束日期/);
    expect(refusal(() => readWindow('', '2026-03-02'))).toMatch(/结束日期/);
  });

  test('reads field paths, every field when blank', () => {
    expect(readFields('')).toEqual([ALL_FIELDS]);
    expect(readFields(' * ')).toEqual([ALL_FIELDS]);
    expect(readFields('a，b、a')).toEqual(['a', 'b']);
    expect(refusal(() => readFields('a, *'))).toMatch(/字段/);
    expect(refusal(() => readFields('1abc'))).toMatch(/字段/);
  });

  test('wants a long enough passphrase typed the same twice', () => {
    expect(refusal(() => checkNewPassphrase('short', 'short', 8))).toBe('口令至少 8 个字符');
    expect(refusal(() => checkNewPassphrase('long enough', 'long enougH', 8))).toBe('两次输入的口令不一致');
    expect(() => checkNewPassphrase('long enough', 'long enough', 8)).not.toThrow();
  });
});
