/** The invoice as the chaincode returns it, checked field by field at the ledger boundary. */
import {
  CLAIM_ID,
  CURRENCIES,
  HEX32,
  HEX64,
  INVOICE_CODE,
  INVOICE_KINDS,
  INVOICE_NUMBER,
  INVOICE_OPERATIONS,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  LOCK_STATES,
} from '@hdt/vocabulary';
import { z } from 'zod';

const hex64 = z.string().regex(HEX64);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const timestamp = z.string();

export const invoiceIdSchema = z.object({
  code: z.string().regex(INVOICE_CODE),
  number: z.string().regex(INVOICE_NUMBER),
});

export const paymentSplitSchema = z.object({
  medicalInsuranceFund: fen,
  personalAccount: fen,
  otherFund: fen,
  selfPay: fen,
});

export const lockSchema = z.object({
  claimId: z.string().regex(CLAIM_ID),
  holderMsp: z.string(),
  actor: z.string(),
  amount: fen,
  lockedAt: timestamp,
  expiresAt: timestamp,
  state: z.enum(LOCK_STATES),
  closedAt: z.string(),
});

export const reimbursementSchema = z.object({
  claimId: z.string().regex(CLAIM_ID),
  payerMsp: z.string(),
  actor: z.string(),
  amount: fen,
  at: timestamp,
  txId: z.string(),
});

export const operationRecordSchema = z.object({
  operation: z.enum(INVOICE_OPERATIONS),
  mspId: z.string(),
  actor: z.string(),
  timestamp,
  txId: z.string(),
  reason: z.string(),
});

/** Every field but the check-code protection, which no API response carries. */
export const invoiceViewSchema = invoiceIdSchema.extend({
  type: z.enum(INVOICE_TYPES),
  totalAmount: fen,
  payment: paymentSplitSchema,
  reimbursableAmount: fen,
  payerPseudonym: hex64,
  dataDigest: hex64,
  pdfDigest: hex64,
  dataCid: z.string(),
  pdfCid: z.string(),
  kind: z.enum(INVOICE_KINDS),
  issuingUnit: z.string(),
  issuerMsp: z.string(),
  issuedAt: timestamp,
  currency: z.enum(CURRENCIES),
  status: z.enum(INVOICE_STATUSES),
  linkedInvoice: invoiceIdSchema.nullable(),
  locks: z.array(lockSchema),
  reimbursements: z.array(reimbursementSchema),
  reimbursedAmount: fen,
  revision: z.number().int().min(1),
  lastOperation: operationRecordSchema,
  lastTxId: z.string(),
  updatedAt: timestamp,
});
export type InvoiceView = z.infer<typeof invoiceViewSchema>;

export const ledgerInvoiceSchema = invoiceViewSchema.extend({
  checkCodeSalt: z.string().regex(HEX32),
  checkCodeIterations: z.number().int().min(1),
  checkCodeHash: hex64,
});
export type LedgerInvoice = z.infer<typeof ledgerInvoiceSchema>;

/** The invoice without its check-code protection. */
export function invoiceView(invoice: LedgerInvoice): InvoiceView {
  return invoiceViewSchema.parse(invoice);
}
