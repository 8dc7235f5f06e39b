import { positiveAmount, suggestClaimId } from './claims';
import { InputError } from './messages';

describe('claim forms', () => {
  test('a suggested claim id names the payer and the day', () => {
    const now = new Date('2026-11-30T08:00:00.000Z');
    expect(suggestClaimId('MedInsMSP', now, 42)).toBe('MI-20261130-0042');
    expect(suggestClaimId('InsurerMSP', now, 123_456)).toBe('INS-20261130-3456');
    expect(suggestClaimId(undefined, now, 1)).toBe('CLM-20261130-0001');
  });

  test('amounts are positive yuan', () => {
    expect(positiveAmount('18.30')).toBe(1830);
    expect(() => positiveAmount('0')).toThrow(InputError);
    expect(() => positiveAmount('1.234')).toThrow(InputError);
  });
});
