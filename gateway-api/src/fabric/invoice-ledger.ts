import { CommitError, type Contract } from '@hyperledger/fabric-gateway';
import {
  HEX64,
  INVOICE_CODE,
  INVOICE_NUMBER,
  INVOICE_TYPES,
  type InvoiceType,
  VERIFIABLE_DIGESTS,
  VERIFICATION_RESULTS,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../errors';
import type { ContractProvider } from './connection';
import { fromLedgerError, isRetryable } from './errors';

const hex64 = z.string().regex(HEX64);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const paymentSchema = z.object({
  medicalInsuranceFund: fen,
  personalAccount: fen,
  otherFund: fen,
  selfPay: fen,
});
export type Payment = z.infer<typeof paymentSchema>;

/** Invoice summary as the chaincode stores it. */
export const onChainInvoiceSchema = z.object({
  code: z.string().regex(INVOICE_CODE),
  number: z.string().regex(INVOICE_NUMBER),
  checkCodeHash: hex64,
  type: z.enum(INVOICE_TYPES),
  issuingUnit: z.string(),
  issuerMsp: z.string(),
  issuedAt: z.string(),
  currency: z.literal('CNY'),
  totalAmount: fen,
  payment: paymentSchema,
  reimbursableAmount: fen,
  payerPseudonym: hex64,
  dataDigest: hex64,
  pdfDigest: hex64,
  dataCid: z.string(),
  pdfCid: z.string(),
  /** ISSUED now; later lifecycle steps add LOCKED, REIMBURSED, RED_FLUSHED, VOIDED, WRITTEN_OFF. */
  status: z.string(),
  lastTxId: z.string(),
  updatedAt: z.string(),
});
export type OnChainInvoice = z.infer<typeof onChainInvoiceSchema>;

export const verifyOutcomeSchema = z.object({
  result: z.enum(VERIFICATION_RESULTS),
  status: z.string().optional(),
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

/** Fields the issuer supplies to `Issue`; the chaincode adds issuerMsp, issuedAt, status ... */
export interface IssueInput {
  code: string;
  number: string;
  checkCodeHash: string;
  type: InvoiceType;
  issuingUnit: string;
  totalAmount: number;
  payment: Payment;
  reimbursableAmount: number;
  payerPseudonym: string;
  dataDigest: string;
  pdfDigest: string;
  dataCid: string;
  pdfCid: string;
}

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
  read(mspId: string, code: string, number: string): Promise<OnChainInvoice>;
  verify(mspId: string, query: VerifyQuery): Promise<VerifyOutcome>;
  history(mspId: string, code: string, number: string): Promise<HistoryEntry[]>;
  /**
   * Resolves when every configured org's peer answers a cheap query and the endorsement policy
   * can be met (a read-only proposal is endorsed, never submitted).
   */
  ping(): Promise<void>;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
}

/**
 * Waits of 0.4, 0.8, 1.6 and 3.2 s: long enough for the orderers to elect a new Raft leader
 * (2.5-5 s with network/configtx.yaml's options) when the leader is lost.
 */
const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 400 };

const CONTRACT_NAME = 'invoice';
const TX = { issue: 'Issue', read: 'Read', verify: 'Verify', history: 'History' } as const;
/** Well-formed identity no real invoice uses, for health probes. */
const PROBE = { code: '00000000', number: '0000000000', checkCodeHash: '0'.repeat(64) } as const;

const utf8 = new TextDecoder();

function parseResult<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new AppError('INTERNAL', `unexpected ledger response to ${what}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `unexpected ledger response to ${what}`, { cause: parsed.error });
  }
  return parsed.data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Typed client of the `invoice` contract over the Fabric gateway. */
export class FabricInvoiceLedger implements InvoiceLedger {
  constructor(
    private readonly contracts: ContractProvider,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  async issue(mspId: string, input: IssueInput): Promise<{ invoice: OnChainInvoice; txId: string }> {
    const contract = this.contract(mspId);
    const argument = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      try {
        const proposal = contract.newProposal(TX.issue, { arguments: [argument] });
        const txId = proposal.getTransactionId();
        const transaction = await proposal.endorse();
        const submitted = await transaction.submit();
        const status = await submitted.getStatus();
        if (!status.successful) {
          throw new CommitError({
            code: status.code,
            transactionId: txId,
            message: `transaction ${txId} failed to commit with status code ${status.code}`,
          });
        }
        return { invoice: parseResult(transaction.getResult(), onChainInvoiceSchema, TX.issue), txId };
      } catch (err) {
        const appError = fromLedgerError(err);
        if (appError.code === 'INVOICE_EXISTS' && attempt > 1) {
          // An earlier attempt whose outcome was unknown (unavailable while submitting or waiting
          // for the commit) may have reached the ledger after all: accept it if it is this invoice.
          const mine = await this.findOwnIssue(mspId, input);
          if (mine) return mine;
        }
        if (!isRetryable(err) || attempt >= this.retry.attempts) throw appError;
        await this.wait(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  async read(mspId: string, code: string, number: string): Promise<OnChainInvoice> {
    const bytes = await this.evaluate(mspId, TX.read, [code, number]);
    return parseResult(bytes, onChainInvoiceSchema, TX.read);
  }

  async verify(mspId: string, query: VerifyQuery): Promise<VerifyOutcome> {
    const bytes = await this.evaluate(mspId, TX.verify, [
      query.code,
      query.number,
      query.checkCodeHash,
      query.pdfDigest ?? '',
      query.dataDigest ?? '',
    ]);
    return parseResult(bytes, verifyOutcomeSchema, TX.verify);
  }

  async history(mspId: string, code: string, number: string): Promise<HistoryEntry[]> {
    const bytes = await this.evaluate(mspId, TX.history, [code, number]);
    return parseResult(bytes, z.array(historyEntrySchema), TX.history);
  }

  async ping(): Promise<void> {
    const mspIds = this.contracts.mspIds();
    const results = await Promise.allSettled(
      mspIds.map((mspId) => this.verify(mspId, { ...PROBE, pdfDigest: undefined, dataDigest: undefined })),
    );
    const down = mspIds.filter((_, i) => results[i]?.status === 'rejected');
    if (mspIds.length === 0) throw new Error('no organisation configured');
    if (down.length > 0) throw new Error(`no answer for ${down.join(', ')}`);
    const probe = [PROBE.code, PROBE.number, PROBE.checkCodeHash, '', ''];
    await this.contract(mspIds[0]!).newProposal(TX.verify, { arguments: probe }).endorse();
  }

  private contract(mspId: string): Contract {
    const contract = this.contracts.contract(mspId, CONTRACT_NAME);
    if (!contract) {
      throw new AppError('FORBIDDEN', `organisation ${mspId} has no ledger identity on this gateway`);
    }
    return contract;
  }

  private async evaluate(mspId: string, name: string, args: string[]): Promise<Uint8Array> {
    const contract = this.contract(mspId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await contract.evaluate(name, { arguments: args });
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.retry.attempts) throw fromLedgerError(err);
        await this.wait(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private async findOwnIssue(
    mspId: string,
    input: IssueInput,
  ): Promise<{ invoice: OnChainInvoice; txId: string } | undefined> {
    const invoice = await this.read(mspId, input.code, input.number);
    const same =
      invoice.issuerMsp === mspId &&
      invoice.checkCodeHash === input.checkCodeHash &&
      invoice.dataDigest === input.dataDigest &&
      invoice.pdfDigest === input.pdfDigest;
    return same ? { invoice, txId: invoice.lastTxId } : undefined;
  }
}
