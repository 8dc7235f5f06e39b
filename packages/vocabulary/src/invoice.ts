/** The medical e-invoice (医疗收费电子票据): its enums and the shapes the ledger holds and returns. */
import type { Fen } from './fields';

export const INVOICE_TYPES = ['OUTPATIENT', 'INPATIENT', 'INTERNET', 'REGISTRATION', 'CHECKUP'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

/** Statuses known to this version; the lifecycle adds LOCKED, REIMBURSED, RED_FLUSHED, VOIDED, WRITTEN_OFF. */
export const INVOICE_STATUSES = ['ISSUED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

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

/** What the issuing hospital supplies to `invoice:Issue`. */
export interface IssueInvoiceInput extends InvoiceId {
  /** SM3 over UTF-8 `${code}:${number}:${checkCode}`. */
  readonly checkCodeHash: string;
  readonly type: InvoiceType;
  readonly issuingUnit: string;
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

/** The invoice as stored under the composite key `invoice` [code, number]. */
export interface Invoice extends IssueInvoiceInput {
  readonly issuerMsp: string;
  readonly issuedAt: string;
  readonly currency: Currency;
  readonly status: InvoiceStatus;
  readonly lastTxId: string;
  readonly updatedAt: string;
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

/** One committed version of an invoice, as `invoice:History` returns it (oldest first). */
export interface InvoiceHistoryEntry {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: Invoice | null;
}

export const INVOICE_ISSUED_EVENT = 'InvoiceIssued';

export interface InvoiceIssuedEvent {
  readonly code: string;
  readonly number: string;
  readonly issuerMsp: string;
  readonly txId: string;
}
