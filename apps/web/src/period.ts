/**
 * Periods of days as the statistics count them: days of China Standard Time (UTC+8, no summer
 * time), written YYYY-MM-DD, whatever the reader's own time zone.
 */

export interface Period {
  readonly from: string;
  readonly to: string;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day in China at `instant`. */
export function chinaDay(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (match === null) return false;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** `day` moved by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The `days` days ending with today in China, today included. */
export function lastDays(days: number, now: Date = new Date()): Period {
  const to = chinaDay(now);
  return { from: addDays(to, 1 - days), to };
}

/** How many days the period holds: 0 when it ends before it starts. */
export function dayCount(period: Period): number {
  const days = (Date.parse(`${period.to}T00:00:00.000Z`) - Date.parse(`${period.from}T00:00:00.000Z`)) / DAY_MS + 1;
  return Math.max(0, days);
}

/** Every day of the period in order; empty when it ends before it starts. */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) days.push(day);
  return days;
}
