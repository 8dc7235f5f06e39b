/**
 * A doctor's read of a health record. The ledger decides: access:Check reads the grant and the
 * record index in the committed state at the time of asking (no decision is cached, so a
 * revocation holds from the next request). An access that changes ledger state (a use of a
 * use-limited grant) or breaks the glass is committed with access:Decide instead. The access
 * record is then written to the database, allowed or refused, and acknowledged; only then is the
 * data key unwrapped and are the granted fields released. The anchoring worker puts every access
 * record on chain within the anchoring bound.
 */
import { randomUUID } from 'node:crypto';
import {
  EMERGENCY_DEPARTMENT,
  MspId,
  mayIssueInvoices,
  type AccessRuling,
  type DecideAccessInput,
  type HealthRecordType,
} from '@hdt/vocabulary';
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
  /** Reads the record index, to record a refused read for the record's resident. */
  records?: { read(mspId: string, recordId: string): Promise<{ patientId: string; type: HealthRecordType }> };
  /** Told of every new access record, so it is anchored without waiting for the next round. */
  anchoring?: { nudge(): void };
  newId?: () => string;
}

export const DEFAULT_LIST_LIMIT = 50;

/** Why this user may not read records this way: a forbidden role or department; undefined when they may. */
function readerRefusal(user: User, body: ReadRecordBody): AppError | undefined {
  if (user.role !== 'doctor' || !mayIssueInvoices(user.mspId)) {
    return new AppError('FORBIDDEN', 'only doctors of a hospital read health records');
  }
  if (body.breakGlassReason === undefined) return undefined;
  if (user.department !== EMERGENCY_DEPARTMENT) {
    return new AppError(
      'FORBIDDEN',
      `breakGlassReason: only doctors of the ${EMERGENCY_DEPARTMENT} department break the glass`,
    );
  }
  return undefined;
}

function checkBreakGlassPurpose(body: ReadRecordBody): void {
  if (body.breakGlassReason !== undefined && body.purpose !== 'EMERGENCY') {
    throw new AppError('VALIDATION', 'purpose: must be EMERGENCY with breakGlassReason');
  }
}

function userFields(user: User) {
  return {
    username: user.username,
    displayName: user.displayName,
    mspId: user.mspId,
    institution: user.unit ?? user.mspId,
    role: user.role,
    department: user.department ?? null,
  };
}

export function entryOf(user: User, ruling: AccessRuling, committed: boolean): AccessEntry {
  return {
    accessId: ruling.requestId,
    at: ruling.timestamp,
    ...userFields(user),
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
    decisionTxId: committed ? ruling.txId : null,
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

/** A read refused without a ruling, as the log keeps it: nothing released, nothing decided on chain. */
function refusalEntry(user: User, recordId: string, body: ReadRecordBody) {
  return {
    ...userFields(user),
    at: new Date().toISOString(),
    recordId,
    purpose: body.purpose,
    requestedFields: [...body.fields],
    fields: [],
    withheldFields: [],
    outcome: 'REFUSED' as const,
    basis: 'NONE' as const,
    grantId: body.grantId ?? null,
    breakGlass: body.breakGlassReason !== undefined,
    breakGlassReason: body.breakGlassReason ?? null,
    decisionTxId: null,
  };
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
    checkBreakGlassPurpose(body);
    const refusal = readerRefusal(user, body);
    if (refusal !== undefined) throw await this.recordRefusal(user, recordId, body, refusal);
    const input = {
      requestId: this.newId(),
      recordId,
      userId: user.username,
      purpose: body.purpose,
      fields: body.fields,
      grantId: body.grantId ?? null,
      breakGlassReason: body.breakGlassReason ?? null,
    };
    const { ruling, committed } = await this.rule(user, body, input);
    const entry = entryOf(user, ruling, committed);
    await this.deps.log.append(entry);
    this.deps.anchoring?.nudge();
    if (ruling.breakGlass) this.notify(ruling.residentId, entry);
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
      decisionTxId: entry.decisionTxId,
      decidedAt: ruling.timestamp,
    };
  }

  /**
   * A read refused without a ruling is recorded too: by the gateway (the reader's role), or because
   * the id names no record (RECORD_NOT_FOUND from the ledger). It is listed for the record's
   * resident when the record is indexed; an id that names no record has no resident to tell.
   */
  private async recordRefusal(user: User, recordId: string, body: ReadRecordBody, refusal: AppError) {
    const unknown = refusal.code === 'RECORD_NOT_FOUND';
    const index = unknown ? undefined : await this.deps.records?.read(user.mspId, recordId).catch(() => undefined);
    const entry: AccessEntry = {
      ...refusalEntry(user, recordId, body),
      accessId: this.newId(),
      residentId: index?.patientId ?? null,
      recordType: index?.type ?? null,
      reason: unknown ? 'RECORD_NOT_FOUND' : 'ROLE_NOT_ALLOWED',
    };
    await this.deps.log.append(entry);
    this.deps.anchoring?.nudge();
    return new AppError(refusal.code, `${refusal.message}: access record ${entry.accessId}`);
  }

  /** The ledger's ruling; an id that names no record is refused and recorded here. */
  private async rule(
    user: User,
    body: ReadRecordBody,
    input: DecideAccessInput,
  ): Promise<{ ruling: AccessRuling; committed: boolean }> {
    try {
      const checked = await this.deps.ledger.check(user.mspId, input);
      if (!checked.commitRequired) return { ruling: checked.ruling, committed: false };
      const { result } = await this.deps.ledger.decide(user.mspId, input);
      return { ruling: result, committed: true };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'RECORD_NOT_FOUND') throw err;
      throw await this.recordRefusal(user, input.recordId, body, err);
    }
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

  private notify(residentId: string, entry: AccessEntry): void {
    const event = {
      kind: 'BREAK_GLASS' as const,
      accessId: entry.accessId,
      recordId: entry.recordId,
      at: entry.at,
      institution: entry.institution,
      username: entry.username,
      reason: entry.breakGlassReason,
    };
    this.deps.notifier.notify(residentId, event).catch((err: unknown) => {
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
