import { FakeLong } from '../../test/in-memory-ledger';
import { epochSeconds, timestampToIso } from './timestamp';

describe('epochSeconds', () => {
  it.each([
    ['a number', 1_767_601_800],
    ['a Long', new FakeLong(1_767_601_800)],
    ['a bigint', BigInt(1_767_601_800)],
    ['a decimal string', '1767601800'],
  ])('reads %s', (_label, value) => {
    expect(epochSeconds(value)).toBe(1_767_601_800);
  });

  it.each([
    ['undefined', undefined],
    ['a fraction', 1.5],
    ['a non-numeric string', '17e8'],
    ['an object without toNumber', { low: 1, high: 0 }],
    ['a huge bigint', BigInt(2) ** BigInt(60)],
  ])('rejects %s', (_label, value) => {
    expect(() => epochSeconds(value)).toThrow('INTERNAL: transaction timestamp has unreadable seconds');
  });
});

describe('timestampToIso', () => {
  it('converts seconds and nanos', () => {
    expect(timestampToIso({ seconds: new FakeLong(1_767_601_800), nanos: 5_000_000 })).toBe('2026-01-05T08:30:00.005Z');
    expect(timestampToIso({ seconds: 1_767_601_800, nanos: undefined })).toBe('2026-01-05T08:30:00.000Z');
  });

  it('rejects unreadable nanos', () => {
    expect(() => timestampToIso({ seconds: 0, nanos: '5' })).toThrow(
      'INTERNAL: transaction timestamp has unreadable nanos',
    );
  });
});
