import { isoFromEpoch } from './time';

describe('isoFromEpoch', () => {
  it('formats seconds and nanos as ISO-8601 UTC with milliseconds', () => {
    expect(isoFromEpoch(0, 0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoFromEpoch(1_767_601_800, 123_456_789)).toBe('2026-01-05T08:30:00.123Z');
    expect(isoFromEpoch(1_767_601_800, 999_999_999)).toBe('2026-01-05T08:30:00.999Z');
    expect(isoFromEpoch(253_402_300_799, 0)).toBe('9999-12-31T23:59:59.000Z');
  });

  it.each([
    [-1, 0],
    [253_402_300_800, 0],
    [1.5, 0],
    [Number.NaN, 0],
    [0, -1],
    [0, 1_000_000_000],
    [0, 0.5],
  ])('rejects seconds=%p nanos=%p', (seconds, nanos) => {
    expect(() => isoFromEpoch(seconds, nanos)).toThrow(/^INTERNAL: timestamp /);
  });
});
