/**
 * The error store of rejected index entries and the daily counts of accepted and rejected entries
 * per hospital: a port (Mongo in the gateway, memory in tests) and the shapes it keeps.
 */
import { randomBytes } from 'node:crypto';
import type { SubmittedEntry, Violation } from './quality-rules';

export const QUALITY_ERROR_STATUSES = ['OPEN', 'RESOLVED'] as const;
export type QualityErrorStatus = (typeof QUALITY_ERROR_STATUSES)[number];

/** A rejected entry, as kept: who sent it, when, what it was and which rules it broke. */
export interface QualityError {
  id: string;
  org: string;
  submittedBy: string;
  submittedAt: Date;
  /** Its position in the submitted batch. */
  batchIndex: number;
  entry: SubmittedEntry;
  violations: Violation[];
  status: QualityErrorStatus;
  resolution: Resolution | null;
}

/** How an error was fixed: the corrected record registered by a batch. */
export interface Resolution {
  at: Date;
  by: string;
  recordId: string;
  batchId: string;
}

export interface ErrorPage {
  items: QualityError[];
  /** The id to pass as `after` for the next page; null on the last one. */
  next: string | null;
}

export interface ErrorQuery {
  status?: QualityErrorStatus | undefined;
  limit: number;
  after?: string | undefined;
}

/** Accepted and rejected entries of one hospital on one day (China Standard Time). */
export interface DailyQuality {
  org: string;
  day: string;
  accepted: number;
  rejected: number;
}

export interface QualityStore {
  addErrors(errors: readonly QualityError[]): Promise<void>;
  /** The organisation's errors, newest first. */
  listErrors(org: string, query: ErrorQuery): Promise<ErrorPage>;
  getError(org: string, id: string): Promise<QualityError | undefined>;
  /** Marks an OPEN error resolved; false when it was not open (resolved meanwhile). */
  resolve(org: string, id: string, resolution: Resolution): Promise<boolean>;
  count(org: string, day: string, accepted: number, rejected: number): Promise<void>;
  /** Days from..to inclusive, of one organisation or (undefined) all; days without entries omitted. */
  daily(org: string | undefined, from: string, to: string): Promise<DailyQuality[]>;
}

/** Error ids: 24 hex characters, increasing with time (so newest first is by id). */
export function newErrorId(now: Date, sequence: number): string {
  const time = Math.floor(now.getTime()).toString(16).padStart(12, '0').slice(-12);
  return `${time}${(sequence % 0x10000).toString(16).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
}

export const ERROR_ID = /^[0-9a-f]{24}$/;

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The day of a time in China Standard Time, YYYY-MM-DD. */
export function cstDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The error store in memory, with the semantics of the Mongo one. */
export class InMemoryQualityStore implements QualityStore {
  private readonly errors = new Map<string, QualityError>();
  private readonly days = new Map<string, DailyQuality>();

  addErrors(errors: readonly QualityError[]): Promise<void> {
    for (const error of errors) this.errors.set(error.id, structuredClone(error));
    return Promise.resolve();
  }

  listErrors(org: string, query: ErrorQuery): Promise<ErrorPage> {
    const items = [...this.errors.values()]
      .filter((e) => e.org === org && (query.status === undefined || e.status === query.status))
      .filter((e) => query.after === undefined || e.id < query.after)
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const page = items.slice(0, query.limit).map((e) => structuredClone(e));
    const next = items.length > query.limit ? (page[page.length - 1]?.id ?? null) : null;
    return Promise.resolve({ items: page, next });
  }

  getError(org: string, id: string): Promise<QualityError | undefined> {
    const error = this.errors.get(id);
    return Promise.resolve(error?.org === org ? structuredClone(error) : undefined);
  }

  resolve(org: string, id: string, resolution: Resolution): Promise<boolean> {
    const error = this.errors.get(id);
    if (error?.org !== org || error.status !== 'OPEN') return Promise.resolve(false);
    this.errors.set(id, { ...error, status: 'RESOLVED', resolution });
    return Promise.resolve(true);
  }

  count(org: string, day: string, accepted: number, rejected: number): Promise<void> {
    const key = `${org}/${day}`;
    const current = this.days.get(key) ?? { org, day, accepted: 0, rejected: 0 };
    this.days.set(key, { ...current, accepted: current.accepted + accepted, rejected: current.rejected + rejected });
    return Promise.resolve();
  }

  daily(org: string | undefined, from: string, to: string): Promise<DailyQuality[]> {
    const rows = [...this.days.values()]
      .filter((d) => (org === undefined || d.org === org) && d.day >= from && d.day <= to)
      .sort((a, b) => (a.day === b.day ? a.org.localeCompare(b.org) : a.day.localeCompare(b.day)));
    return Promise.resolve(rows.map((row) => ({ ...row })));
  }
}
