import { addDays, chinaDay, dayCount, daysOf, isDay, lastDays } from './period';

describe('days of China Standard Time', () => {
  it('takes the day in China, eight hours ahead of UTC', () => {
    expect(chinaDay(new Date('2026-11-30T15:59:59.999Z'))).toBe('2026-11-30');
    expect(chinaDay(new Date('2026-11-30T16:00:00.000Z'))).toBe('2026-12-01');
  });

  it('defaults to the 30 days ending today in China, today included', () => {
    expect(lastDays(30, new Date('2026-03-01T17:00:00.000Z'))).toEqual({ from: '2026-02-01', to: '2026-03-02' });
    expect(daysOf(lastDays(30, new Date('2026-11-30T00:00:00.000Z')))).toHaveLength(30);
  });

  it('moves across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('lists the days of a period, none when it ends before it starts', () => {
    expect(daysOf({ from: '2026-11-29', to: '2026-12-01' })).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(daysOf({ from: '2026-12-02', to: '2026-12-01' })).toEqual([]);
    expect(dayCount({ from: '2026-01-01', to: '2026-12-31' })).toBe(365);
    expect(dayCount({ from: '2026-12-02', to: '2026-12-01' })).toBe(0);
  });

  it('accepts real calendar days only', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-1-01')).toBe(false);
    expect(isDay('')).toBe(false);
  });
});
