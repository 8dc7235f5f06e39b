import { visitDateProblem } from './schemas';

describe('visit dates', () => {
  const now = new Date('2026-03-10T23:30:00.000Z');

  it('accepts 1900-01-01 up to the day after the current UTC date', () => {
    expect(visitDateProblem('1900-01-01', now)).toBeUndefined();
    expect(visitDateProblem('2026-03-10', now)).toBeUndefined();
    expect(visitDateProblem('2026-03-11', now)).toBeUndefined();
  });

  it('refuses dates before 1900 or after tomorrow', () => {
    expect(visitDateProblem('1899-12-31', now)).toBe('must not be before 1900-01-01');
    expect(visitDateProblem('0001-01-01', now)).toBe('must not be before 1900-01-01');
    expect(visitDateProblem('2026-03-12', now)).toBe('must not be after 2026-03-11 (the day after today, UTC)');
    expect(visitDateProblem('9999-12-31', now)).toBe('must not be after 2026-03-11 (the day after today, UTC)');
  });
});
