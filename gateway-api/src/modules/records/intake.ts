/**
 * Registration with data-quality checks: a batch is screened against the rule table, its good
 * entries go on chain in one RegisterBatch, its bad ones into the error store, and the day's counts
 * of the hospital grow. A hospital lists its errors, corrects one and resubmits it; the health
 * commission sees every hospital's counts.
 */
import { MspId, mayIssueInvoices } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { RecordEntries } from './entries';
import type { RecordsLedger } from './ledger';
import {
  candidateIds,
  screenBatch,
  type AcceptedEntry,
  type RejectedEntry,
  type SubmittedEntry,
} from './quality-rules';
import { cstDay, newErrorId, type ErrorQuery, type QualityError, type QualityStore } from './quality-store';
import type {
  BatchOutcomeView,
  BatchResultView,
  ErrorListView,
  QualityErrorView,
  QualityReportView,
  ResubmitResultView,
} from './schemas';
import { RECORD_WRITER_ROLES } from './service';

export interface RecordIntakeDeps {
  ledger: RecordsLedger;
  quality: QualityStore;
  entries: RecordEntries;
  logger: Logger;
  clock?: () => Date;
}

/** Screenings of one batch: the first, and one more after losing a race for a record id. */
const SCREEN_ATTEMPTS = 2;

/** The longest period the quality report covers. */
export const QUALITY_PERIOD_MAX_DAYS = 366;

function authoriseWriter(user: User): void {
  const role = (RECORD_WRITER_ROLES as readonly string[]).includes(user.role);
  if (!role || !mayIssueInvoices(user.mspId)) {
    throw new AppError('FORBIDDEN', 'only a doctor or billing clerk of a hospital may submit health-record indices');
  }
}

/** A hospital's writers see their own figures; the health commission's supervisors and admins all. */
function reportScope(user: User): string | undefined {
  if (user.mspId === MspId.HEALTH_COMMISSION && (user.role === 'supervisor' || user.role === 'admin')) {
    return undefined;
  }
  authoriseWriter(user);
  return user.mspId;
}

export function errorView(error: QualityError): QualityErrorView {
  const { resolution } = error;
  return {
    ...error,
    submittedAt: error.submittedAt.toISOString(),
    resolution: resolution === null ? null : { ...resolution, at: resolution.at.toISOString() },
  };
}

const share = (accepted: number, rejected: number) =>
  accepted + rejected === 0 ? 0 : Math.round((accepted / (accepted + rejected)) * 10_000) / 10_000;

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

export class RecordIntake {
  private sequence = 0;

  constructor(private readonly deps: RecordIntakeDeps) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** Screens the batch, registers what passed, keeps what failed; the answer lists both with rule ids. */
  async submit(user: User, records: readonly SubmittedEntry[]): Promise<BatchOutcomeView> {
    authoriseWriter(user);
    const now = this.now();
    const { accepted, rejected, batch } = await this.screenAndRegister(user, records, now);
    const errors = rejected.map((entry) => this.newError(user, now, entry));
    await this.deps.quality.addErrors(errors);
    await this.deps.quality.count(user.mspId, cstDay(now), accepted.length, rejected.length);
    this.deps.logger.info('record batch screened', {
      user: user.username,
      accepted: accepted.length,
      rejected: rejected.length,
      batchId: batch?.batchId ?? null,
    });
    return {
      batch,
      accepted: accepted.map(({ index, input }) => ({ index, recordId: input.recordId })),
      rejected: errors.map((error) => ({
        index: error.batchIndex,
        recordId: error.entry.recordId ?? null,
        errorId: error.id,
        violations: error.violations,
      })),
    };
  }

  async listErrors(user: User, query: ErrorQuery): Promise<ErrorListView> {
    authoriseWriter(user);
    const page = await this.deps.quality.listErrors(user.mspId, query);
    return { items: page.items.map(errorView), next: page.next };
  }

  /** The corrected entry must pass every rule; then it is registered and the error marked resolved. */
  async resubmit(user: User, errorId: string, record: SubmittedEntry): Promise<ResubmitResultView> {
    authoriseWriter(user);
    const error = await this.deps.quality.getError(user.mspId, errorId);
    if (error === undefined)
      throw new AppError('QUALITY_ERROR_NOT_FOUND', `no rejected index ${errorId} of ${user.mspId}`);
    if (error.status !== 'OPEN') throw new AppError('QUALITY_ERROR_RESOLVED', `rejected index ${errorId} was resolved`);
    const now = this.now();
    const indexed = await this.deps.ledger.indexed(user.mspId, candidateIds([record]));
    const { accepted, rejected } = screenBatch([record], indexed, now);
    const failed = rejected[0];
    if (failed !== undefined) {
      const reasons = failed.violations.map((v) => `${v.rule} ${v.message}`).join('; ');
      throw new AppError('RECORD_QUALITY_FAILED', `record: ${reasons}`);
    }
    const batch = (await this.register(user, accepted)) as BatchResultView;
    const resolution = {
      at: now,
      by: user.username,
      recordId: accepted[0]?.input.recordId ?? '',
      batchId: batch.batchId,
    };
    await this.deps.quality.resolve(user.mspId, errorId, resolution);
    await this.deps.quality.count(user.mspId, cstDay(now), 1, 0);
    return { error: errorView({ ...error, status: 'RESOLVED', resolution }), batch };
  }

  async report(user: User, from: string, to: string): Promise<QualityReportView> {
    const org = reportScope(user);
    if (daysBetween(from, to) > QUALITY_PERIOD_MAX_DAYS) {
      throw new AppError('VALIDATION', `to: must be at most ${QUALITY_PERIOD_MAX_DAYS} days after from`);
    }
    const days = await this.deps.quality.daily(org, from, to);
    const totals = new Map<string, { accepted: number; rejected: number }>();
    for (const d of days) {
      const t = totals.get(d.org) ?? { accepted: 0, rejected: 0 };
      totals.set(d.org, { accepted: t.accepted + d.accepted, rejected: t.rejected + d.rejected });
    }
    return {
      from,
      to,
      days: days.map((d) => ({ ...d, acceptedShare: share(d.accepted, d.rejected) })),
      totals: [...totals].map(([o, t]) => ({ org: o, ...t, acceptedShare: share(t.accepted, t.rejected) })),
    };
  }

  /**
   * Screens and registers; when another batch registered one of the ids between the check and the
   * commit (the chaincode's RECORD_EXISTS), screens once more against the ledger and retries.
   */
  private async screenAndRegister(user: User, records: readonly SubmittedEntry[], now: Date) {
    for (let attempt = 1; ; attempt += 1) {
      const indexed = await this.deps.ledger.indexed(user.mspId, candidateIds(records));
      const screened = screenBatch(records, indexed, now);
      try {
        return { ...screened, batch: await this.register(user, screened.accepted) };
      } catch (err) {
        if (attempt >= SCREEN_ATTEMPTS || !(err instanceof AppError && err.code === 'RECORD_EXISTS')) throw err;
      }
    }
  }

  private async register(user: User, accepted: readonly AcceptedEntry[]): Promise<BatchResultView | null> {
    if (accepted.length === 0) return null;
    const { result } = await this.deps.ledger.registerBatch(user.mspId, { records: accepted.map((a) => a.input) });
    await this.deps.entries.save(
      accepted.map(({ input, diagnosisCodes }) => ({
        recordId: input.recordId,
        sourceOrg: user.mspId,
        patientId: input.patientId,
        encounterId: input.encounterId,
        type: input.type,
        recordedAt: input.recordedAt,
        batchId: result.batchId,
        diagnosisCodes,
      })),
    );
    return result;
  }

  private newError(user: User, now: Date, rejected: RejectedEntry): QualityError {
    this.sequence += 1;
    return {
      id: newErrorId(now, this.sequence),
      org: user.mspId,
      submittedBy: user.username,
      submittedAt: now,
      batchIndex: rejected.index,
      entry: rejected.entry,
      violations: rejected.violations,
      status: 'OPEN',
      resolution: null,
    };
  }
}
