/**
 * The invoice lifecycle: each operation takes the stored invoice, the parsed input and the
 * transaction's facts, checks every rule, and returns the invoice as it is after the operation.
 * Pure and deterministic: time is the transaction's timestamp, never the peer's clock.
 *
 * Money rule: reimbursed + (unexpired locks) <= reimbursableAmount, at every step, whoever pays.
 */
import {
  TERMINAL_STATUSES,
  mayReimburse,
  type CloseInvoiceInput,
  type Fen,
  type Invoice,
  type InvoiceId,
  type InvoiceLock,
  type InvoiceOperation,
  type InvoiceStatus,
  type LockInvoiceInput,
  type RedFlushInvoiceInput,
  type ReimburseInvoiceInput,
  type UnlockInvoiceInput,
  type UpdateInvoiceInput,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from './errors';
import { MAX_LOCKS_PER_INVOICE, type TxContext, contentOf } from './invoice';

function label(id: InvoiceId): string {
  return `invoice ${id.code}/${id.number}`;
}

function conflict(invoice: Invoice, detail: string): Error {
  return chaincodeError(ErrorCode.INVOICE_STATE_CONFLICT, `${label(invoice)} ${detail}`);
}

export function isLockActive(lock: InvoiceLock, now: string): boolean {
  return lock.state === 'ACTIVE' && lock.expiresAt > now;
}

export function lockedAmount(invoice: Invoice, now: string): Fen {
  return invoice.locks.filter((lock) => isLockActive(lock, now)).reduce((sum, lock) => sum + lock.amount, 0);
}

/** What may still be locked: reimbursable minus reimbursed minus unexpired locks. */
export function availableAmount(invoice: Invoice, now: string): Fen {
  return invoice.reimbursableAmount - invoice.reimbursedAmount - lockedAmount(invoice, now);
}

function deriveStatus(invoice: Invoice, now: string): InvoiceStatus {
  if (TERMINAL_STATUSES.includes(invoice.status) || invoice.kind === 'RED') return invoice.status;
  if (invoice.reimbursableAmount > 0 && invoice.reimbursedAmount === invoice.reimbursableAmount) return 'REIMBURSED';
  if (invoice.locks.some((lock) => isLockActive(lock, now))) return 'LOCKED';
  return invoice.reimbursedAmount > 0 ? 'PARTIALLY_REIMBURSED' : 'ISSUED';
}

interface Change {
  readonly operation: InvoiceOperation;
  readonly actor: string;
  readonly reason?: string;
  /** A terminal status to set; otherwise the status is derived. */
  readonly status?: InvoiceStatus;
}

/** The invoice after `changes`, with its status, revision and last operation brought up to date. */
function record(invoice: Invoice, changes: Partial<Invoice>, change: Change, tx: TxContext): Invoice {
  const next: Invoice = {
    ...invoice,
    ...changes,
    status: change.status ?? invoice.status,
    revision: invoice.revision + 1,
    lastOperation: {
      operation: change.operation,
      mspId: tx.mspId,
      actor: change.actor,
      timestamp: tx.timestamp,
      txId: tx.txId,
      reason: change.reason ?? '',
    },
    lastTxId: tx.txId,
    updatedAt: tx.timestamp,
  };
  return { ...next, status: deriveStatus(next, tx.timestamp) };
}

function requireOpen(invoice: Invoice, operation: InvoiceOperation): void {
  if (TERMINAL_STATUSES.includes(invoice.status)) {
    throw conflict(invoice, `is ${invoice.status}; nothing changes it any more (${operation} refused)`);
  }
  if (invoice.kind === 'RED') {
    throw conflict(invoice, `is a red invoice; ${operation} applies to ordinary invoices only`);
  }
}

function requireIssuer(invoice: Invoice, tx: TxContext, operation: InvoiceOperation): void {
  if (invoice.issuerMsp !== tx.mspId) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `only the issuer ${invoice.issuerMsp} may ${operation} ${label(invoice)}; the caller is ${tx.mspId}`,
    );
  }
}

function requireUnclaimed(invoice: Invoice, now: string, operation: InvoiceOperation): void {
  if (invoice.reimbursements.length > 0) {
    throw conflict(invoice, `has been reimbursed (${invoice.reimbursedAmount} fen); ${operation} refused`);
  }
  if (invoice.locks.some((lock) => isLockActive(lock, now))) {
    throw conflict(invoice, `is locked for a claim; ${operation} refused until the lock is released or expires`);
  }
}

export function applyUpdate(invoice: Invoice, input: UpdateInvoiceInput, tx: TxContext): Invoice {
  requireIssuer(invoice, tx, 'UPDATE');
  requireOpen(invoice, 'UPDATE');
  if (invoice.locks.length > 0 || invoice.reimbursements.length > 0) {
    throw conflict(invoice, 'has been locked or claimed; UPDATE is allowed only before any claim');
  }
  return record(invoice, contentOf(input), { operation: 'UPDATE', actor: input.actor }, tx);
}

function expiryOf(timestamp: string, ttlSeconds: number): string {
  return new Date(Date.parse(timestamp) + ttlSeconds * 1000).toISOString();
}

function checkNewClaim(invoice: Invoice, claimId: string, now: string): void {
  const taken = invoice.locks.some(
    (lock) => lock.claimId === claimId && (lock.state === 'REIMBURSED' || isLockActive(lock, now)),
  );
  if (taken) {
    throw chaincodeError(ErrorCode.CLAIM_EXISTS, `${label(invoice)} already has claim ${claimId} locked or paid`);
  }
  if (invoice.locks.length >= MAX_LOCKS_PER_INVOICE) {
    throw conflict(invoice, `has ${MAX_LOCKS_PER_INVOICE} locks, the most one invoice may have`);
  }
}

export function applyLock(invoice: Invoice, input: LockInvoiceInput, tx: TxContext): Invoice {
  if (!mayReimburse(tx.mspId)) {
    throw chaincodeError(ErrorCode.FORBIDDEN, `organisation ${tx.mspId} may not lock invoices; only payers may`);
  }
  requireOpen(invoice, 'LOCK');
  checkNewClaim(invoice, input.claimId, tx.timestamp);
  const available = availableAmount(invoice, tx.timestamp);
  if (input.amount > available) {
    throw chaincodeError(
      ErrorCode.AMOUNT_UNAVAILABLE,
      `${label(invoice)}: amount ${input.amount} fen exceeds the ${available} fen still available ` +
        `(reimbursable ${invoice.reimbursableAmount}, reimbursed ${invoice.reimbursedAmount}, ` +
        `locked ${lockedAmount(invoice, tx.timestamp)})`,
    );
  }
  const lock: InvoiceLock = {
    claimId: input.claimId,
    holderMsp: tx.mspId,
    actor: input.actor,
    amount: input.amount,
    lockedAt: tx.timestamp,
    expiresAt: expiryOf(tx.timestamp, input.ttlSeconds),
    state: 'ACTIVE',
    closedAt: '',
  };
  return record(invoice, { locks: [...invoice.locks, lock] }, { operation: 'LOCK', actor: input.actor }, tx);
}

/** The index of the caller's unexpired lock for `claimId`. */
function heldLock(invoice: Invoice, claimId: string, tx: TxContext): number {
  const index = invoice.locks.findIndex((lock) => lock.claimId === claimId && isLockActive(lock, tx.timestamp));
  const lock = invoice.locks[index];
  if (lock === undefined) {
    throw chaincodeError(ErrorCode.LOCK_NOT_ACTIVE, `${label(invoice)} has no unexpired lock for claim ${claimId}`);
  }
  if (lock.holderMsp !== tx.mspId) {
    throw chaincodeError(
      ErrorCode.NOT_LOCK_HOLDER,
      `claim ${claimId} on ${label(invoice)} is held by ${lock.holderMsp}, not ${tx.mspId}`,
    );
  }
  return index;
}

function closeLock(invoice: Invoice, index: number, state: 'RELEASED' | 'REIMBURSED', now: string): InvoiceLock[] {
  return invoice.locks.map((lock, i) => (i === index ? { ...lock, state, closedAt: now } : lock));
}

export function applyReimburse(invoice: Invoice, input: ReimburseInvoiceInput, tx: TxContext): Invoice {
  requireOpen(invoice, 'REIMBURSE');
  const index = heldLock(invoice, input.claimId, tx);
  const locked = invoice.locks[index]?.amount ?? 0;
  if (input.amount > locked) {
    throw chaincodeError(
      ErrorCode.AMOUNT_UNAVAILABLE,
      `${label(invoice)}: amount ${input.amount} fen exceeds the ${locked} fen locked for claim ${input.claimId}`,
    );
  }
  const reimbursement = {
    claimId: input.claimId,
    payerMsp: tx.mspId,
    actor: input.actor,
    amount: input.amount,
    at: tx.timestamp,
    txId: tx.txId,
  };
  const changes: Partial<Invoice> = {
    locks: closeLock(invoice, index, 'REIMBURSED', tx.timestamp),
    reimbursements: [...invoice.reimbursements, reimbursement],
    reimbursedAmount: invoice.reimbursedAmount + input.amount,
  };
  return record(invoice, changes, { operation: 'REIMBURSE', actor: input.actor }, tx);
}

export function applyUnlock(invoice: Invoice, input: UnlockInvoiceInput, tx: TxContext): Invoice {
  requireOpen(invoice, 'UNLOCK');
  const index = heldLock(invoice, input.claimId, tx);
  const changes = { locks: closeLock(invoice, index, 'RELEASED', tx.timestamp) };
  return record(invoice, changes, { operation: 'UNLOCK', actor: input.actor, reason: input.reason }, tx);
}

export function applyVoid(invoice: Invoice, input: CloseInvoiceInput, tx: TxContext): Invoice {
  requireIssuer(invoice, tx, 'VOID');
  requireOpen(invoice, 'VOID');
  requireUnclaimed(invoice, tx.timestamp, 'VOID');
  return record(invoice, {}, { operation: 'VOID', actor: input.actor, reason: input.reason, status: 'VOIDED' }, tx);
}

export function applyWriteOff(invoice: Invoice, input: CloseInvoiceInput, tx: TxContext): Invoice {
  requireOpen(invoice, 'WRITE_OFF');
  if (!invoice.reimbursements.some((entry) => entry.payerMsp === tx.mspId)) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `only a payer that reimbursed ${label(invoice)} may write it off; ${tx.mspId} has not`,
    );
  }
  if (invoice.locks.some((lock) => isLockActive(lock, tx.timestamp))) {
    throw conflict(invoice, 'still has an unexpired lock; WRITE_OFF refused until it is reimbursed or released');
  }
  const change: Change = { operation: 'WRITE_OFF', actor: input.actor, reason: input.reason, status: 'WRITTEN_OFF' };
  return record(invoice, {}, change, tx);
}

/** The original, marked RED_FLUSHED, and the red invoice that cancels it. */
export function applyRedFlush(
  invoice: Invoice,
  input: RedFlushInvoiceInput,
  tx: TxContext,
): { original: Invoice; red: Invoice } {
  requireIssuer(invoice, tx, 'RED_FLUSH');
  requireOpen(invoice, 'RED_FLUSH');
  requireUnclaimed(invoice, tx.timestamp, 'RED_FLUSH');
  const redId = { code: input.red.code, number: input.red.number };
  const change: Change = { operation: 'RED_FLUSH', actor: input.actor, reason: input.reason };
  const original = record(invoice, { linkedInvoice: redId }, { ...change, status: 'RED_FLUSHED' }, tx);
  const red: Invoice = {
    ...original,
    ...redId,
    checkCodeSalt: input.red.checkCodeSalt,
    checkCodeIterations: input.red.checkCodeIterations,
    checkCodeHash: input.red.checkCodeHash,
    dataDigest: input.red.dataDigest,
    pdfDigest: input.red.pdfDigest,
    dataCid: input.red.dataCid,
    pdfCid: input.red.pdfCid,
    kind: 'RED',
    status: 'ISSUED',
    issuedAt: tx.timestamp,
    linkedInvoice: { code: invoice.code, number: invoice.number },
    locks: [],
    reimbursements: [],
    reimbursedAmount: 0,
    revision: 1,
  };
  return { original, red };
}
