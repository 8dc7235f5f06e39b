/**
 * A doctor's read of a health record. The ledger decides (access:Decide reads the grant and the
 * record index, at the transaction time; no decision is cached, so a revocation holds from the
 * next request); the access record is then written to the database, allowed or refused, and
 * acknowledged; only then is the data key unwrapped and are the granted fields released.
 */
import { randomUUID } from 'node:crypto';
import { EMERGENCY_DEPARTMENT, MspId, mayIssueInvoices, type AccessRuling } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { DocumentFiles } from '../../ports';
import type { User } from '../auth/roles';
import type { AccessLedger } from './ledger';
import type { AccessNotifier } from './notifier';
import { release } from './release';
import {
  accessEntrySchema,
  type AccessEntry,
  type AccessRecordView,
  type ReadRecordBody,
  type ReadResultView,
} from './schemas';
import type { AccessLog, LoggedAccess, RecordContents } from './stores';

export interface AccessServiceDeps {
  ledger: AccessLedger;
  files: DocumentFiles;
  contents: RecordContents;
  log: AccessLog;
  notifier: AccessNotifier;
  logger: Logger;
  /** Told of every new access record, so it is anchored without waiting for the next round. */
  anchoring?: { nudge(): void };
  newId?: () => string;
}

export const DEFAULT_LIST_LIMIT = 50;

function authoriseReader(user: User, body: ReadRecordBody): void {
  if (user.role !== 'doctor' || !mayIssueInvoices(user.mspId)) {
    throw new AppError('FORBIDDEN', 'only doctors of a hospital read health records');
  }
  if (body.breakGlassReason === undefined) return;
  if (user.department !== EMERGENCY_DEPARTMENT) {
    throw new AppError(
      'FORBIDDEN',
      `breakGlassReason: only doctors of the ${EMERGENCY_DEPARTMENT} department break the glass`,
    );
  }
  if (body.purpose !== 'EMERGENCY')
    throw new AppError('VALIDATION', 'purpose: must be EMERGENCY with breakGlassReason');
}

export function entryOf(user: User, ruling: AccessRuling): AccessEntry {
  return {
    accessId: ruling.requestId,
    at: ruling.timestamp,
    username: user.username,
    displayName: user.displayName,
    mspId: user.mspId,
    institution: user.unit ?? user.mspId,
    role: user.role,
    department: user.department ?? null,
    residentId: ruling.residentId,
    recordId: ruling.recordId,
    recordType: ruling.recordType,
    purpose: ruling.purpose,
    requestedFields: [...ruling.requestedFields],
    fields: [...ruling.fields],
    withheldFields: [...ruling.withheldFields],
    outcome: ruling.allowed ? 'ALLOWED' : 'REFUSED',
    reason: ruling.reason,
    basis: ruling.basis,
    grantId: ruling.grantId,
    breakGlass: ruling.breakGlass,
    breakGlassReason: ruling.breakGlassReason,
    decisionTxId: ruling.txId,
  };
}

/** The stored record as the API shows it; undefined when it no longer has the shape of one. */
export function viewOf(logged: LoggedAccess): AccessRecordView | undefined {
  const entry = accessEntrySchema.safeParse(logged.raw);
  return entry.success ? { ...entry.data, anchor: logged.anchor } : undefined;
}

function views(items: readonly LoggedAccess[]): AccessRecordView[] {
  return items.flatMap((item) => viewOf(item) ?? []);
}

export function watermarkText(entry: AccessEntry): string {
  return `Viewed by ${entry.displayName} (${entry.username}), ${entry.institution} [${entry.mspId}], ${entry.at}, access ${entry.accessId}`;
}

export class AccessService {
  private readonly newId: () => string;

  constructor(private readonly deps: AccessServiceDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async read(user: User, recordId: string, body: ReadRecordBody): Promise<ReadResultView> {
    authoriseReader(user, body);
    const input = {
      requestId: this.newId(),
      recordId,
      userId: user.username,
      purpose: body.purpose,
      fields: body.fields,
      grantId: body.grantId ?? null,
      breakGlassReason: body.breakGlassReason ?? null,
    };
    const { result: ruling } = await this.deps.ledger.decide(user.mspId, input);
    const entry = entryOf(user, ruling);
    await this.deps.log.append(entry);
    this.deps.anchoring?.nudge();
    if (ruling.breakGlass) this.notify(entry);
    if (!ruling.allowed) {
      throw new AppError('ACCESS_REFUSED', `${ruling.reason ?? 'REFUSED'}: access record ${entry.accessId}`);
    }
    const released = await release(this.deps.files, this.deps.contents, ruling, watermarkText(entry));
    return {
      accessId: entry.accessId,
      outcome: 'ALLOWED',
      recordId,
      recordType: ruling.recordType,
      residentId: ruling.residentId,
      purpose: ruling.purpose,
      basis: ruling.basis,
      grantId: ruling.grantId,
      breakGlass: ruling.breakGlass,
      withheldFields: entry.withheldFields,
      ...released,
      watermark: watermarkText(entry),
      decisionTxId: ruling.txId,
      decidedAt: ruling.timestamp,
    };
  }

  /** Every access to the signed-in resident's records, newest first. */
  async mine(user: User, limit = DEFAULT_LIST_LIMIT): Promise<AccessRecordView[]> {
    if (user.role !== 'resident' || user.residentId === undefined) {
      throw new AppError('FORBIDDEN', 'only residents list the accesses to their own records');
    }
    return views(await this.deps.log.byResident(user.residentId, limit));
  }

  /** Break-glass accesses for review, newest first: the health commission's supervisors and admins. */
  async breakGlass(user: User, limit = DEFAULT_LIST_LIMIT): Promise<AccessRecordView[]> {
    authoriseReviewer(user);
    return views(await this.deps.log.breakGlass(limit));
  }

  private notify(entry: AccessEntry): void {
    const event = {
      kind: 'BREAK_GLASS' as const,
      accessId: entry.accessId,
      recordId: entry.recordId,
      at: entry.at,
      institution: entry.institution,
      username: entry.username,
      reason: entry.breakGlassReason,
    };
    this.deps.notifier.notify(entry.residentId, event).catch((err: unknown) => {
      this.deps.logger.warn('could not notify a resident of a break-glass access', {
        accessId: entry.accessId,
        error: String(err),
      });
    });
  }
}

/** The health commission's supervisors and admins review the access log. */
export function authoriseReviewer(user: User): void {
  if (user.mspId !== MspId.HEALTH_COMMISSION || (user.role !== 'supervisor' && user.role !== 'admin')) {
    throw new AppError('FORBIDDEN', "only the health commission's supervisors and admins review the access log");
  }
}
