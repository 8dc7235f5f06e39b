import { z } from 'zod';
import {
  INVOICE_STATUSES,
  INVOICE_TYPES,
  itemAmountProblem,
  paymentSplitProblem,
  QUANTITY_DECIMALS,
  quantityProblem,
  REASON_MAX,
  reimbursableProblem,
  textProblem,
  textRuleDescription,
  TEXT_PATTERN,
} from '@hdt/vocabulary';
import { verifyOutcomeSchema } from '../../fabric/invoice-ledger';
import { str, typeError } from '../../schema-text';
import { historyEntryViewSchema, invoiceViewSchema } from './view';

/*
 * Request and response schemas of the invoice resource. Requests are parsed with these (errors name the field);
 * the OpenAPI document is generated from the same schemas.
 *
 * Schemas of request bodies are strict (unknown keys are rejected) and never transform values,
 * so the parsed invoice data is exactly what the client sent; its canonical JSON is what gets
 * stored and digested.
 */

const invoiceCodeSchema = str().regex(/^\d{8}$/, { error: 'must be 8 digits' });
const invoiceNumberSchema = str().regex(/^\d{10}$/, { error: 'must be 10 digits' });
const checkCodeSchema = str().regex(/^[0-9A-Z]{6}$/, { error: 'must be 6 digits or uppercase letters' });

const MAX_FEN = 1_000_000_000_000; // 10 billion yuan, far above any invoice
const fen = z
  .number({ error: typeError('an integer amount in fen') })
  .int({ error: 'must be an integer amount in fen' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_FEN, { error: 'is too large' });
const positiveFen = fen.min(1, { error: 'must be greater than 0' });
/** Human-readable text by the vocabulary's text rule, the one the chaincode applies (code points). */
export const text = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .superRefine((value, ctx) => {
      const problem = textProblem(value, 1, max);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ minLength: 1, maxLength: max, pattern: TEXT_PATTERN, description: textRuleDescription(1, max) });

export const EARLIEST_VISIT_DATE = '1900-01-01';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Visit and discharge dates lie between 1900-01-01 and the day after the server's current UTC date
 * (so that today in any time zone, China's included, passes). `date` is a valid YYYY-MM-DD.
 */
export function visitDateProblem(date: string, now: Date): string | undefined {
  if (date < EARLIEST_VISIT_DATE) return `must not be before ${EARLIEST_VISIT_DATE}`;
  const latest = new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
  return date > latest ? `must not be after ${latest} (the day after today, UTC)` : undefined;
}

const isoDate = z.iso
  .date({ error: typeError('a date YYYY-MM-DD') })
  .superRefine((value, ctx) => {
    const problem = visitDateProblem(value, new Date());
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: `A calendar date from ${EARLIEST_VISIT_DATE} to the day after today (UTC)` });

export const paymentInputSchema = z.strictObject({
  medicalInsuranceFund: fen.describe('Paid by the medical-insurance pooled fund (统筹), fen'),
  personalAccount: fen.describe('Paid from the personal medical-insurance account (个人账户), fen'),
  otherFund: fen.describe('Paid by other funds, fen'),
  selfPay: fen.describe('Paid by the patient (自付/自费), fen'),
});

/** An item: its amount is quantity × unitPrice, rounded to the fen with halves up (the vocabulary's rule). */
export const invoiceItemSchema = z
  .strictObject({
    name: text(128),
    quantity: z
      .number({ error: typeError('a number') })
      .positive({ error: 'must be greater than 0' })
      .max(1_000_000)
      .describe(`At most ${QUANTITY_DECIMALS} decimal places`),
    unitPrice: fen.describe('fen'),
    amount: fen.describe('fen: quantity × unitPrice, rounded to the nearest fen (halves up)'),
  })
  .superRefine((item, ctx) => {
    const quantity = quantityProblem(item.quantity);
    if (quantity !== undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: quantity });
    const amount = itemAmountProblem(item.quantity, item.unitPrice, item.amount);
    if (amount !== undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: amount });
  });

export const payerSchema = z.strictObject({
  name: text(64),
  idNumber: str()
    .regex(/^[0-9A-Z]{6,32}$/, { error: 'must be 6-32 digits or uppercase letters' })
    .describe('Resident ID or other document number; only its HMAC-SM3 pseudonym goes on chain'),
});

export const visitSchema = z.strictObject({
  department: text(64),
  visitDate: isoDate,
  dischargeDate: isoDate
    .optional()
    .describe(
      `Inpatient invoices: day of discharge, not before visitDate, from ${EARLIEST_VISIT_DATE} to the day after today (UTC)`,
    ),
  medicalRecordNumber: text(32).optional(),
});

/**
 * Structured data of an invoice, as posted in the `invoice` part of POST /invoices. There is no
 * issuing unit: the chaincode takes the name the org registry on the ledger holds for the
 * clerk's organisation (an `issuingUnit` is refused as an unknown field).
 */
export const invoiceDataSchema = z
  .strictObject({
    code: invoiceCodeSchema,
    number: invoiceNumberSchema,
    type: z.enum(INVOICE_TYPES, { error: typeError(`one of ${INVOICE_TYPES.join(', ')}`) }),
    payer: payerSchema,
    items: z.array(invoiceItemSchema).min(1, { error: 'must list at least one item' }).max(500),
    totalAmount: positiveFen,
    payment: paymentInputSchema,
    reimbursableAmount: fen,
    visit: visitSchema,
  })
  .superRefine((data, ctx) => {
    const split = paymentSplitProblem(data.totalAmount, data.payment);
    if (split !== undefined) ctx.addIssue({ code: 'custom', path: ['payment'], message: split });
    const itemsTotal = data.items.reduce((sum, item) => sum + item.amount, 0);
    if (itemsTotal !== data.totalAmount) {
      ctx.addIssue({
        code: 'custom',
        path: ['items'],
        message: `amounts sum to ${itemsTotal}, not totalAmount ${data.totalAmount}`,
      });
    }
    const reimbursable = reimbursableProblem(data.totalAmount, data.reimbursableAmount);
    if (reimbursable !== undefined)
      ctx.addIssue({ code: 'custom', path: ['reimbursableAmount'], message: reimbursable });
    if (data.visit.dischargeDate !== undefined && data.visit.dischargeDate < data.visit.visitDate) {
      ctx.addIssue({ code: 'custom', path: ['visit', 'dischargeDate'], message: 'must not be before visitDate' });
    }
  });
export type InvoiceData = z.infer<typeof invoiceDataSchema>;

export const idempotencyKeySchema = str().regex(/^[A-Za-z0-9._:-]{8,128}$/, {
  error: 'must be 8-128 letters, digits, ".", "_", ":" or "-"',
});

export const invoiceParamsSchema = z.object({
  code: invoiceCodeSchema.describe('Invoice code (票据代码), 8 digits'),
  number: invoiceNumberSchema.describe('Invoice number (票据号码), 10 digits'),
});

export const pdfQuerySchema = z.object({
  checkCode: checkCodeSchema.describe('Check code (校验码) printed on the invoice'),
});

/** The structured data a verifier compares with the on-chain digest. */
export const verifyDataSchema = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .describe(
    'Structured data to compare with the on-chain digest: the invoice JSON as issued (the check code is added when absent)',
  );

/** Body of POST /invoices/verify (JSON, or the text fields of a multipart form). */
export const verifyBodySchema = z.strictObject({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  checkCode: checkCodeSchema,
  data: verifyDataSchema.optional(),
});

// ---- responses ----

export const issueResponseSchema = z.object({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  checkCode: checkCodeSchema.describe('Print it on the invoice; only its salted PBKDF2-HMAC-SM3 hash is on chain'),
  issuingUnit: z.string().describe("The issuing organisation's unit name, from the org registry on the ledger"),
  txId: z.string(),
  status: z.enum(INVOICE_STATUSES),
  pdfDigest: z.string().describe('SM3 of the PDF, hex'),
  dataDigest: z.string().describe('SM3 of the canonical JSON of the structured data, hex'),
});
export type IssueResponse = z.infer<typeof issueResponseSchema>;

export const issuePendingResponseSchema = z.object({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  checkCode: checkCodeSchema.describe('Print it on the invoice once it is on chain'),
  status: z.literal('PENDING'),
  pdfDigest: z.string().describe('SM3 of the PDF, hex'),
  dataDigest: z.string().describe('SM3 of the canonical JSON of the structured data, hex'),
  attempts: z.number().int().min(0).describe('Attempts so far to put it on chain'),
});

export const redFlushPartSchema = z.strictObject({
  code: invoiceCodeSchema.describe("The red invoice's code: one allocated to the hospital"),
  number: invoiceNumberSchema.describe("The red invoice's number"),
  reason: text(REASON_MAX).describe('Why the invoice is cancelled (recorded on chain)'),
});

export const redFlushResponseSchema = z.object({
  original: invoiceViewSchema,
  red: z.object({
    code: invoiceCodeSchema,
    number: invoiceNumberSchema,
    checkCode: checkCodeSchema.describe("The red invoice's check code, to print on it"),
    pdfDigest: z.string(),
    dataDigest: z.string(),
  }),
  txId: z.string(),
});

export const issuanceParamsSchema = z.object({ code: invoiceCodeSchema, number: invoiceNumberSchema });

export const issuanceResponseSchema = z.object({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  state: z
    .enum(['STORING', 'ANCHORING', 'RECORDING', 'DONE'])
    .describe('STORING and ANCHORING: not on chain yet; RECORDING: on chain, off-chain record being saved; DONE'),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable().describe('Why the last attempt to put it on chain failed'),
  txId: z.string().nullable().describe('The Issue transaction, once on chain'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const checkCodeResponseSchema = z.object({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  checkCode: checkCodeSchema.describe('The check code printed on the invoice, for reprinting it'),
});

export const invoiceContentResponseSchema = z.object({
  code: invoiceCodeSchema,
  number: invoiceNumberSchema,
  revision: z
    .number()
    .int()
    .min(1)
    .describe('The revision on chain this content belongs to (1 as issued, +1 per update)'),
  dataDigest: z.string().describe('SM3 of the stored structured data with its check code: the dataDigest on chain'),
  invoice: invoiceDataSchema.describe('The structured data as last issued or updated, without the check code'),
});
export type InvoiceContent = z.infer<typeof invoiceContentResponseSchema>;

export const invoiceResponseSchema = invoiceViewSchema;
export const historyResponseSchema = z.array(historyEntryViewSchema);
export const verifyResponseSchema = verifyOutcomeSchema;

/** The invoice resource's named schemas in the OpenAPI document. */
export const invoiceComponents = {
  Payment: paymentInputSchema,
  InvoiceItem: invoiceItemSchema,
  Payer: payerSchema,
  Visit: visitSchema,
  InvoiceData: invoiceDataSchema,
  IssueResponse: issueResponseSchema,
  IssuePending: issuePendingResponseSchema,
  Issuance: issuanceResponseSchema,
  CheckCode: checkCodeResponseSchema,
  InvoiceContent: invoiceContentResponseSchema,
  Invoice: invoiceResponseSchema,
  History: historyResponseSchema,
  VerifyRequest: verifyBodySchema,
  VerifyResponse: verifyResponseSchema,
};
