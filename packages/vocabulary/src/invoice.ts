/** The medical e-invoice (医疗收费电子票据): its enums and the shapes the ledger holds and returns. */
import type { Fen } from './fields';

export const INVOICE_TYPES = ['OUTPATIENT', 'INPATIENT', 'INTERNET', 'REGISTRATION', 'CHECKUP'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

/**
 * ISSUED: nothing claimed; LOCKED: an unexpired lock holds part of the reimbursable amount;
 * PARTIALLY_REIMBURSED / REIMBURSED: some / all of the reimbursable amount was paid out.
 * RED_FLUSHED (冲红), VOIDED (作废) and WRITTEN_OFF (核销) are terminal. The status is derived
 * at each change from the transaction time; a lock that expired since still shows LOCKED until
 * the next change, but no longer blocks anything.
 */
export const INVOICE_STATUSES = [
  'ISSUED',
  'LOCKED',
  'PARTIALLY_REIMBURSED',
  'REIMBURSED',
  'RED_FLUSHED',
  'VOIDED',
  'WRITTEN_OFF',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const TERMINAL_STATUSES: readonly InvoiceStatus[] = ['RED_FLUSHED', 'VOIDED', 'WRITTEN_OFF'];

/** BLUE: an ordinary invoice; RED: the negative invoice a red-flush creates (its amounts count negative). */
export const INVOICE_KINDS = ['BLUE', 'RED'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export const LOCK_STATES = ['ACTIVE', 'RELEASED', 'REIMBURSED'] as const;
export type LockState = (typeof LOCK_STATES)[number];

export const INVOICE_OPERATIONS = [
  'ISSUE',
  'UPDATE',
  'LOCK',
  'REIMBURSE',
  'UNLOCK',
  'RED_FLUSH',
  'VOID',
  'WRITE_OFF',
  'IMPORT',
] as const;
export type InvoiceOperation = (typeof INVOICE_OPERATIONS)[number];

export const CURRENCIES = ['CNY'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface PaymentSplit {
  /** 统筹: paid by the medical-insurance pooled fund. */
  readonly medicalInsuranceFund: Fen;
  /** 个人账户: paid from the insured person's personal account. */
  readonly personalAccount: Fen;
  /** Other funds (civil assistance, supplementary schemes ...). */
  readonly otherFund: Fen;
  /** 自付/自费: paid by the patient. */
  readonly selfPay: Fen;
}

export const PAYMENT_PARTS = [
  'medicalInsuranceFund',
  'personalAccount',
  'otherFund',
  'selfPay',
] as const satisfies readonly (keyof PaymentSplit)[];

/** 票据代码 (8 digits) + 票据号码 (10 digits): the identity of an invoice. */
export interface InvoiceId {
  readonly code: string;
  readonly number: string;
}

/** The check code's salted, deliberately slow hash; see CHECK_CODE_KDF. */
export interface CheckCodeProtection {
  /** 16 random bytes, lowercase hex, different for every invoice. */
  readonly checkCodeSalt: string;
  readonly checkCodeIterations: number;
  /** PBKDF2-HMAC-SM3(password = `${code}:${number}:${checkCode}`, salt, iterations, 32 bytes), hex. */
  readonly checkCodeHash: string;
}

/** The user of the gateway acting for the submitting organisation (recorded in the history). */
export interface Acting {
  readonly actor: string;
}

/** The parts of an invoice its issuer may correct with `invoice:Update` before any claim. */
export interface InvoiceContent {
  readonly type: InvoiceType;
  readonly totalAmount: Fen;
  readonly payment: PaymentSplit;
  readonly reimbursableAmount: Fen;
  /** HMAC-SM3 of the payer's ID number under the issuer's secret. */
  readonly payerPseudonym: string;
  /** SM3 of the canonical JSON of the off-chain structured data. */
  readonly dataDigest: string;
  /** SM3 of the original PDF bytes. */
  readonly pdfDigest: string;
  readonly dataCid: string;
  readonly pdfCid: string;
}

/** What the issuing hospital supplies to `invoice:Issue`. The issuing unit's name comes from the org registry. */
export interface IssueInvoiceInput extends InvoiceId, CheckCodeProtection, InvoiceContent, Acting {}

export interface UpdateInvoiceInput extends InvoiceId, InvoiceContent, Acting {}

/** A reimburser's hold on part of the reimbursable amount for one claim. */
export interface InvoiceLock {
  readonly claimId: string;
  readonly holderMsp: string;
  readonly actor: string;
  readonly amount: Fen;
  readonly lockedAt: string;
  readonly expiresAt: string;
  readonly state: LockState;
  /** When it was released or reimbursed; "" while ACTIVE. */
  readonly closedAt: string;
}

export interface Reimbursement {
  readonly claimId: string;
  readonly payerMsp: string;
  readonly actor: string;
  readonly amount: Fen;
  readonly at: string;
  readonly txId: string;
}

/** Who did what to an invoice last; every version in the history carries one. */
export interface OperationRecord {
  readonly operation: InvoiceOperation;
  readonly mspId: string;
  readonly actor: string;
  readonly timestamp: string;
  readonly txId: string;
  /** Free text for UNLOCK, RED_FLUSH and VOID; "" otherwise. */
  readonly reason: string;
}

/**
 * Set on an invoice a hospital issued before it joined the platform and brought onto the ledger
 * with `invoice:ImportBatch`: `issuedAt` is then the original issue time, and this says when and
 * in which batch it was imported.
 */
export interface MigrationMark {
  readonly batchId: string;
  readonly importedAt: string;
}

/** The invoice as stored under the composite key `invoice` [code, number]. */
export interface Invoice extends InvoiceId, CheckCodeProtection, InvoiceContent {
  readonly kind: InvoiceKind;
  readonly issuingUnit: string;
  readonly issuerMsp: string;
  readonly issuedAt: string;
  readonly currency: Currency;
  readonly status: InvoiceStatus;
  /** RED: the invoice it flushes; BLUE after a red-flush: the red invoice. null otherwise. */
  readonly linkedInvoice: InvoiceId | null;
  readonly locks: readonly InvoiceLock[];
  readonly reimbursements: readonly Reimbursement[];
  /** Sum of `reimbursements`. */
  readonly reimbursedAmount: Fen;
  readonly revision: number;
  readonly lastOperation: OperationRecord;
  readonly lastTxId: string;
  readonly updatedAt: string;
  /** Present only on imported invoices. */
  readonly migration?: MigrationMark;
}

export interface LockInvoiceInput extends InvoiceId, Acting {
  readonly claimId: string;
  readonly amount: Fen;
  /** The lock expires this many seconds after the transaction time (LOCK_TTL_SECONDS). */
  readonly ttlSeconds: number;
}

export interface ReimburseInvoiceInput extends InvoiceId, Acting {
  readonly claimId: string;
  /** At most the locked amount; the rest of the lock is released. */
  readonly amount: Fen;
}

export interface UnlockInvoiceInput extends InvoiceId, Acting {
  readonly claimId: string;
  readonly reason: string;
}

/** The negative invoice a red-flush creates: its own number (allocated to the issuer), check code and documents. */
export interface RedInvoiceInput extends InvoiceId, CheckCodeProtection {
  readonly dataDigest: string;
  readonly pdfDigest: string;
  readonly dataCid: string;
  readonly pdfCid: string;
}

export interface RedFlushInvoiceInput extends InvoiceId, Acting {
  readonly reason: string;
  readonly red: RedInvoiceInput;
}

export interface CloseInvoiceInput extends InvoiceId, Acting {
  readonly reason: string;
}

export const VERIFICATION_RESULTS = ['authentic', 'tampered', 'unknown'] as const;
export type VerificationResultKind = (typeof VERIFICATION_RESULTS)[number];

/** Digests a verifier may supply besides the check code. */
export const VERIFIABLE_DIGESTS = ['pdfDigest', 'dataDigest'] as const;
export type VerifiableDigest = (typeof VERIFIABLE_DIGESTS)[number];

/** `invoice:Verify`'s answer: `status` only for a known invoice with the right check code. */
export type VerificationResult =
  | { readonly result: 'unknown'; readonly mismatches: readonly VerifiableDigest[] }
  | {
      readonly result: 'authentic' | 'tampered';
      readonly status: InvoiceStatus;
      readonly mismatches: readonly VerifiableDigest[];
    };

/** What a verifier supplies: the check code's hash, and the digests of what it holds (absent: not held). */
export interface VerificationRequest {
  readonly checkCodeHash: string;
  readonly pdfDigest?: string | undefined;
  readonly dataDigest?: string | undefined;
}

/**
 * The verdict on an invoice as stored on the ledger (undefined: none):
 * - unknown: no such invoice, or the check code does not match (existence is not revealed);
 * - tampered: the check code matches and a supplied digest differs (listed in `mismatches`);
 * - authentic: otherwise.
 */
export function verdictOn(
  invoice: Pick<Invoice, 'checkCodeHash' | 'status' | VerifiableDigest> | undefined,
  request: VerificationRequest,
): VerificationResult {
  if (invoice === undefined || invoice.checkCodeHash !== request.checkCodeHash) {
    return { result: 'unknown', mismatches: [] };
  }
  const mismatches = VERIFIABLE_DIGESTS.filter((digest) => {
    const supplied = request[digest];
    return supplied !== undefined && supplied !== invoice[digest];
  });
  return { result: mismatches.length > 0 ? 'tampered' : 'authentic', status: invoice.status, mismatches };
}

/** One committed version of an invoice, as `invoice:History` returns it (oldest first); `value.lastOperation` says what made it. */
export interface InvoiceHistoryEntry {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: Invoice | null;
}

/** Chaincode event names, one per operation. */
export const INVOICE_EVENTS = {
  ISSUE: 'InvoiceIssued',
  UPDATE: 'InvoiceUpdated',
  LOCK: 'InvoiceLocked',
  REIMBURSE: 'InvoiceReimbursed',
  UNLOCK: 'InvoiceUnlocked',
  RED_FLUSH: 'InvoiceRedFlushed',
  VOID: 'InvoiceVoided',
  WRITE_OFF: 'InvoiceWrittenOff',
  IMPORT: 'InvoicesImported',
} as const satisfies Record<InvoiceOperation, string>;

export const INVOICE_ISSUED_EVENT = INVOICE_EVENTS.ISSUE;

/** Every invoice event's payload: the operation and each invoice it changed, as stored after it. */
export interface InvoiceEvent {
  readonly operation: InvoiceOperation;
  readonly txId: string;
  readonly timestamp: string;
  readonly invoices: readonly Invoice[];
}

/** Lock lifetimes accepted by `invoice:Lock`. */
export const LOCK_TTL_SECONDS = { min: 60, max: 30 * 24 * 3600 } as const;

/** Claim ids and actors: short printable identifiers. */
export const CLAIM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const ACTOR = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const REASON_MAX = 200;

/**
 * The check code (6 characters of 34) is protected against a consortium member who reads the
 * ledger: a per-invoice salt and PBKDF2-HMAC-SM3 with enough iterations that trying every code
 * costs about a CPU-year on the reference machine (see bench/RESULTS.md). The iteration count is
 * stored with each invoice so it can be raised without touching older ones.
 */
export const CHECK_CODE_KDF = {
  algorithm: 'pbkdf2-hmac-sm3',
  keyBytes: 32,
  saltBytes: 16,
  minIterations: 10_000,
  maxIterations: 10_000_000,
} as const;

/** The password the check-code KDF derives from. */
export function checkCodeKdfPassword(code: string, number: string, checkCode: string): string {
  return `${code}:${number}:${checkCode}`;
}

/** Most invoices one `invoice:ImportBatch` transaction imports. */
export const IMPORT_BATCH_MAX = 200;
/** Batch ids: short printable identifiers. */
export const BATCH_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** The earliest original issue time an imported invoice may carry. */
export const EARLIEST_ISSUE_TIME = '1900-01-01T00:00:00.000Z';

/** One historic invoice in an import batch: what `Issue` takes (but the actor) plus its original issue time. */
export interface ImportedInvoiceInput extends InvoiceId, CheckCodeProtection, InvoiceContent {
  /** ISO-8601 UTC with milliseconds; after EARLIEST_ISSUE_TIME and before the transaction time. */
  readonly issuedAt: string;
}

/** `invoice:ImportBatch`'s argument: up to IMPORT_BATCH_MAX historic invoices of the caller's hospital. */
export interface ImportBatchInput extends Acting {
  readonly batchId: string;
  readonly invoices: readonly ImportedInvoiceInput[];
}

export interface ImportBatchResult {
  readonly batchId: string;
  readonly issuerMsp: string;
  readonly issuingUnit: string;
  readonly count: number;
}
