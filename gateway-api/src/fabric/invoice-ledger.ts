import {
  canonicalJson,
  CHECK_CODE_KDF,
  CURRENCIES,
  HEX32,
  HEX64,
  INVOICE_CODE,
  INVOICE_CONTRACT,
  INVOICE_KINDS,
  INVOICE_NUMBER,
  INVOICE_OPERATIONS,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  type Invoice,
  type InvoiceTransaction,
  type IssueInvoiceInput,
  type RedFlushInvoiceInput,
  LOCK_STATES,
  VERIFIABLE_DIGESTS,
  VERIFICATION_RESULTS,
} from '@hdt/vocabulary';
import { z } from 'zod';
import type { Attempts, Committed, LedgerClient, TransactionCall } from './ledger-client';

const hex64 = z.string().regex(HEX64);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const paymentSchema = z.object({
  medicalInsuranceFund: fen,
  personalAccount: fen,
  otherFund: fen,
  selfPay: fen,
});
export type Payment = z.infer<typeof paymentSchema>;

export const invoiceIdSchema = z.object({
  code: z.string().regex(INVOICE_CODE),
  number: z.string().regex(INVOICE_NUMBER),
});

export const invoiceLockSchema = z.object({
  claimId: z.string(),
  holderMsp: z.string(),
  actor: z.string(),
  amount: fen,
  lockedAt: z.string(),
  expiresAt: z.string(),
  state: z.enum(LOCK_STATES),
  closedAt: z.string().describe('When it was released or reimbursed; "" while ACTIVE'),
});

export const reimbursementSchema = z.object({
  claimId: z.string(),
  payerMsp: z.string(),
  actor: z.string(),
  amount: fen,
  at: z.string(),
  txId: z.string(),
});

export const operationRecordSchema = z.object({
  operation: z.enum(INVOICE_OPERATIONS),
  mspId: z.string(),
  actor: z.string(),
  timestamp: z.string(),
  txId: z.string(),
  reason: z.string(),
});

/** The invoice as the chaincode stores and returns it (vocabulary `Invoice`), check-code protection included. */
export const onChainInvoiceSchema = z.object({
  ...invoiceIdSchema.shape,
  checkCodeSalt: z.string().regex(HEX32),
  checkCodeIterations: z.number().int().min(CHECK_CODE_KDF.minIterations).max(CHECK_CODE_KDF.maxIterations),
  checkCodeHash: hex64,
  type: z.enum(INVOICE_TYPES),
  totalAmount: fen,
  payment: paymentSchema,
  reimbursableAmount: fen,
  payerPseudonym: hex64,
  dataDigest: hex64,
  pdfDigest: hex64,
  dataCid: z.string(),
  pdfCid: z.string(),
  kind: z.enum(INVOICE_KINDS),
  issuingUnit: z.string(),
  issuerMsp: z.string(),
  issuedAt: z.string(),
  currency: z.enum(CURRENCIES),
  status: z.enum(INVOICE_STATUSES),
  linkedInvoice: invoiceIdSchema.nullable(),
  locks: z.array(invoiceLockSchema),
  reimbursements: z.array(reimbursementSchema),
  reimbursedAmount: fen,
  revision: z.number().int().min(1),
  lastOperation: operationRecordSchema,
  lastTxId: z.string(),
  updatedAt: z.string(),
  migration: z
    .object({ batchId: z.string(), importedAt: z.string() })
    .optional()
    .describe('Only on imported historic invoices: the import batch and when it ran (issuedAt is the original time)'),
}) satisfies z.ZodType<Invoice>;
export type OnChainInvoice = z.infer<typeof onChainInvoiceSchema>;

export const verifyOutcomeSchema = z.object({
  result: z.enum(VERIFICATION_RESULTS),
  status: z.enum(INVOICE_STATUSES).optional(),
  mismatches: z.array(z.enum(VERIFIABLE_DIGESTS)),
});
export type VerifyOutcome = z.infer<typeof verifyOutcomeSchema>;

export const historyEntrySchema = z.object({
  txId: z.string(),
  timestamp: z.string(),
  isDelete: z.boolean(),
  value: onChainInvoiceSchema.nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** Fields the issuer supplies to `Issue`; the chaincode adds the unit name from its registry, issuerMsp, issuedAt, status ... */
export type IssueInput = IssueInvoiceInput;

export interface VerifyQuery {
  code: string;
  number: string;
  checkCodeHash: string;
  /** SM3 of a PDF to compare, or undefined to skip. */
  pdfDigest?: string | undefined;
  /** SM3 of structured data to compare, or undefined to skip. */
  dataDigest?: string | undefined;
}

/**
 * The invoice contract as the services see it. Every call runs with the Fabric identity of
 * `mspId`, the organisation of the calling user.
 */
export interface InvoiceLedger {
  issue(mspId: string, input: IssueInput): Promise<{ invoice: OnChainInvoice; txId: string }>;
  /** The original marked RED_FLUSHED and the new red invoice, as committed; with `attempts`, each transaction is recorded before it is sent. */
  redFlush(
    mspId: string,
    input: RedFlushInvoiceInput,
    attempts?: Attempts,
  ): Promise<{ original: OnChainInvoice; red: OnChainInvoice; txId: string }>;
  read(mspId: string, code: string, number: string): Promise<OnChainInvoice>;
  verify(mspId: string, query: VerifyQuery): Promise<VerifyOutcome>;
  history(mspId: string, code: string, number: string): Promise<HistoryEntry[]>;
}

/** Answers when the ledger can serve requests; rejects naming what is wrong. */
export interface LedgerProbe {
  ping(): Promise<void>;
}

/** Well-formed identity no real invoice uses, for health probes. */
const PROBE = { code: '00000000', number: '0000000000', checkCodeHash: '0'.repeat(64) } as const;

function call(transaction: InvoiceTransaction, args: readonly string[]): TransactionCall {
  return { contract: INVOICE_CONTRACT.name, transaction, args };
}

function verifyArgs(query: VerifyQuery): string[] {
  return [query.code, query.number, query.checkCodeHash, query.pdfDigest ?? '', query.dataDigest ?? ''];
}

/** Typed client of the `invoice` contract: its transaction names and argument encoding. */
export class FabricInvoiceLedger implements InvoiceLedger, LedgerProbe {
  constructor(private readonly ledger: LedgerClient) {}

  async issue(mspId: string, input: IssueInput): Promise<{ invoice: OnChainInvoice; txId: string }> {
    const landed = (caller: string, txIds: readonly string[]) => this.landedIssue(caller, input, txIds);
    const issued = await this.ledger.submit(mspId, call('Issue', [canonicalJson(input)]), onChainInvoiceSchema, landed);
    return { invoice: issued.result, txId: issued.txId };
  }

  async redFlush(
    mspId: string,
    input: RedFlushInvoiceInput,
    attempts?: Attempts,
  ): Promise<{ original: OnChainInvoice; red: OnChainInvoice; txId: string }> {
    const pair = z.tuple([onChainInvoiceSchema, onChainInvoiceSchema]);
    // An earlier attempt whose outcome was unknown landed if it made the original's current version.
    const landed = async (caller: string, txIds: readonly string[]) => {
      const original = await this.read(caller, input.code, input.number);
      if (!txIds.includes(original.lastTxId)) return undefined;
      const red = await this.read(caller, input.red.code, input.red.number);
      return { result: [original, red] as [OnChainInvoice, OnChainInvoice], txId: original.lastTxId };
    };
    const committed = await this.ledger.submit(mspId, call('RedFlush', [canonicalJson(input)]), pair, landed, attempts);
    const [original, red] = committed.result;
    return { original, red, txId: committed.txId };
  }

  read(mspId: string, code: string, number: string): Promise<OnChainInvoice> {
    return this.ledger.evaluate(mspId, call('Read', [code, number]), onChainInvoiceSchema);
  }

  verify(mspId: string, query: VerifyQuery): Promise<VerifyOutcome> {
    return this.ledger.evaluate(mspId, call('Verify', verifyArgs(query)), verifyOutcomeSchema);
  }

  history(mspId: string, code: string, number: string): Promise<HistoryEntry[]> {
    return this.ledger.evaluate(mspId, call('History', [code, number]), z.array(historyEntrySchema));
  }

  /**
   * Resolves when every configured org's peer answers a cheap query and the endorsement policy
   * can be met (a read-only proposal is endorsed, never submitted).
   */
  async ping(): Promise<void> {
    const mspIds = this.ledger.mspIds();
    const results = await Promise.allSettled(mspIds.map((mspId) => this.verify(mspId, PROBE)));
    const down = mspIds.filter((_, i) => results[i]?.status === 'rejected');
    if (mspIds.length === 0) throw new Error('no organisation configured');
    if (down.length > 0) throw new Error(`no answer for ${down.join(', ')}`);
    await this.ledger.endorse(mspIds[0]!, call('Verify', verifyArgs(PROBE)));
  }

  /** An earlier Issue whose outcome was unknown landed if the invoice was last written by it. */
  private async landedIssue(
    mspId: string,
    input: IssueInput,
    txIds: readonly string[],
  ): Promise<Committed<OnChainInvoice> | undefined> {
    const invoice = await this.read(mspId, input.code, input.number);
    return txIds.includes(invoice.lastTxId) ? { result: invoice, txId: invoice.lastTxId } : undefined;
  }
}
