import { hmacSm3Hex, sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, type InvoiceId } from '@hdt/vocabulary';
import { z } from 'zod';
import { canIssueInvoices, type User } from '../auth/roles';
import type { InvoiceLedger, IssueInput, OnChainInvoice, VerifyOutcome } from '../../fabric/invoice-ledger';
import { AppError } from '../../errors';
import type { InvoiceData } from './schemas';
import { describe, type Logger } from '../../logger';
import type { BeginIdempotentResult, DocumentFiles, IdempotencyStore, StoredDocument } from '../../ports';
import { checkCodeMatches, deriveCheckCodeHash, generateCheckCode, protectCheckCode } from './check-code';
import type { Checked, CheckCodeGuard } from './check-code-guard';
import type { InvoiceRecordData, InvoiceRecords } from './records';
import { fromStorageError } from './storage-errors';
import { toHistoryView, toInvoiceView, type HistoryEntryView, type InvoiceView } from './view';

export { CHECK_CODE_ALPHABET, generateCheckCode } from './check-code';

/**
 * Structured data as kept off chain: the posted invoice data plus the check code printed on
 * the invoice. This is where the check code lives off chain: inside the SM4-encrypted data
 * document (one data key per document), so the issuer can decrypt it to reprint the invoice,
 * and crypto-shredding that key erases it together with the personal data. The data digest on
 * chain covers it, so a verifier who supplies the data without `checkCode` gets it added from
 * the request (see `storedData`).
 */
export function storedData(data: Readonly<Record<string, unknown>>, checkCode: string): Record<string, unknown> {
  return Object.prototype.hasOwnProperty.call(data, 'checkCode') ? { ...data } : { ...data, checkCode };
}

/** SM3 of the canonical JSON of the stored structured data. */
export function dataDigestOf(data: Readonly<Record<string, unknown>>, checkCode: string): string {
  return sm3Hex(canonicalJson(storedData(data, checkCode)));
}

const issueResultSchema = z.object({
  code: z.string(),
  number: z.string(),
  checkCode: z.string(),
  issuingUnit: z.string(),
  txId: z.string(),
  status: z.string(),
  pdfDigest: z.string(),
  dataDigest: z.string(),
});
export type IssueResult = z.infer<typeof issueResultSchema>;

export interface IssueOutcome {
  result: IssueResult;
  /** True when an earlier request with the same Idempotency-Key produced this result. */
  replayed: boolean;
}

export interface VerifyInput {
  code: string;
  number: string;
  checkCode: string;
  pdf?: Uint8Array | undefined;
  data?: Readonly<Record<string, unknown>> | undefined;
}

export interface InvoiceServiceDeps {
  ledger: InvoiceLedger;
  files: DocumentFiles;
  records: InvoiceRecords;
  idempotency: IdempotencyStore;
  /** Limits and records guesses of check codes. */
  guard: CheckCodeGuard;
  /** Key of the payer pseudonym (HMAC-SM3 of the payer's ID number). */
  issuerSecret: Uint8Array;
  /** PBKDF2-HMAC-SM3 iterations protecting the check codes of new invoices. */
  checkCodeIterations: number;
  logger: Logger;
  newCheckCode?: () => string;
}

/** Chaincode or gateway verdicts after which the transaction certainly did not reach the ledger. */
const DEFINITELY_NOT_WRITTEN = new Set([
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'INVOICE_EXISTS',
  'CODE_NOT_ALLOCATED',
  'ORG_NOT_REGISTERED',
  'CONFLICT',
  'VALIDATION',
]);

const storedCheckCodeSchema = z.object({ checkCode: z.string().regex(/^[0-9A-Z]{6}$/) });

const UNKNOWN: VerifyOutcome = { result: 'unknown', mismatches: [] };

interface StoredDocuments {
  data: StoredDocument;
  pdf: StoredDocument;
}

interface IssuedInvoice {
  invoice: OnChainInvoice;
  txId: string;
}

/** Digests a verifier supplied besides the check code. */
interface SuppliedDigests {
  pdfDigest?: string | undefined;
  dataDigest?: string | undefined;
}

/** The first result of an idempotent request, or undefined when this request is new. */
function replayOf(begin: BeginIdempotentResult): IssueResult | undefined {
  switch (begin.kind) {
    case 'replay': {
      const replayed = issueResultSchema.safeParse(begin.body);
      if (!replayed.success) {
        throw new AppError('INTERNAL', 'stored idempotent response is unreadable', { cause: replayed.error });
      }
      return replayed.data;
    }
    case 'conflict':
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used for a different request');
    case 'in_progress':
      throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress');
    case 'new':
      return undefined;
  }
}

/** The summary that goes on chain: digests, content addresses, pseudonyms and the check code's hash. */
function ledgerInput(
  user: User,
  data: InvoiceData,
  derived: Pick<IssueInput, 'checkCodeSalt' | 'checkCodeIterations' | 'checkCodeHash' | 'payerPseudonym'>,
  docs: StoredDocuments,
): IssueInput {
  return {
    code: data.code,
    number: data.number,
    checkCodeSalt: derived.checkCodeSalt,
    checkCodeIterations: derived.checkCodeIterations,
    checkCodeHash: derived.checkCodeHash,
    type: data.type,
    totalAmount: data.totalAmount,
    payment: data.payment,
    reimbursableAmount: data.reimbursableAmount,
    payerPseudonym: derived.payerPseudonym,
    dataDigest: docs.data.sm3,
    pdfDigest: docs.pdf.sm3,
    dataCid: docs.data.cid,
    pdfCid: docs.pdf.cid,
    actor: user.username,
  };
}

/** The off-chain record: what the chain returned (the registered unit name included) and where the documents are. */
function invoiceRecord(user: User, issued: IssuedInvoice, docs: StoredDocuments): InvoiceRecordData {
  const ref = (doc: StoredDocument) => ({ cid: doc.cid, sm3: doc.sm3, keyId: doc.keyId, size: doc.size });
  const { invoice } = issued;
  return {
    code: invoice.code,
    number: invoice.number,
    issuerMsp: invoice.issuerMsp,
    issuingUnit: invoice.issuingUnit,
    type: invoice.type,
    totalAmount: invoice.totalAmount,
    status: invoice.status,
    pdf: ref(docs.pdf),
    data: ref(docs.data),
    txId: issued.txId,
    createdBy: user.username,
  };
}

function dataDigestOrFail(data: Readonly<Record<string, unknown>>, checkCode: string): string {
  try {
    return dataDigestOf(data, checkCode);
  } catch (err) {
    throw new AppError('VALIDATION', 'data: cannot be represented as canonical JSON', { cause: err });
  }
}

/** Use cases of medical e-invoices: issue, verify, read, history and PDF retrieval. */
export class InvoiceService {
  private readonly newCheckCode: () => string;

  constructor(private readonly deps: InvoiceServiceDeps) {
    this.newCheckCode = deps.newCheckCode ?? generateCheckCode;
  }

  /**
   * Issues an invoice: check code, its salted hash, pseudonym and digests are computed here, the
   * PDF and the structured data are stored encrypted, the summary goes on chain, then the
   * off-chain record is saved. With an Idempotency-Key, a repeated identical request returns the
   * first result.
   */
  async issueInvoice(user: User, data: InvoiceData, pdf: Uint8Array, idempotencyKey?: string): Promise<IssueOutcome> {
    if (!canIssueInvoices(user)) {
      throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation issue invoices');
    }
    const pdfDigest = sm3Hex(pdf);
    const issue = () => this.issueOnce(user, data, pdf, pdfDigest);
    if (idempotencyKey === undefined) return { result: await issue(), replayed: false };
    const requestHash = sm3Hex(canonicalJson({ invoice: data, pdfDigest }));
    return this.idempotently(user.username, idempotencyKey, requestHash, issue);
  }

  /** Runs `issue` once per (scope, key); a replay returns the first result. */
  private async idempotently(
    scope: string,
    key: string,
    requestHash: string,
    issue: () => Promise<IssueResult>,
  ): Promise<IssueOutcome> {
    const { idempotency, logger } = this.deps;
    const begin = await idempotency.begin(scope, key, requestHash).catch((err: unknown) => {
      throw fromStorageError(err, 'idempotency check');
    });
    const replayed = replayOf(begin);
    if (replayed) return { result: replayed, replayed: true };
    let result: IssueResult;
    try {
      result = await issue();
    } catch (err) {
      await idempotency.abandon(scope, key).catch((abandonErr: unknown) => {
        logger.error('could not release idempotency key', { scope, error: describe(abandonErr) });
      });
      throw err;
    }
    await idempotency.complete(scope, key, 201, result).catch((err: unknown) => {
      // The invoice is on chain; the response must still reach the clerk. The key stays pending
      // and a retry gets 409 until it goes stale; code+number uniqueness prevents a second issue.
      logger.error('could not record idempotent response', {
        scope,
        code: result.code,
        number: result.number,
        error: describe(err),
      });
    });
    return { result, replayed: false };
  }

  private async issueOnce(user: User, data: InvoiceData, pdf: Uint8Array, pdfDigest: string): Promise<IssueResult> {
    const checkCode = this.newCheckCode();
    const protection = await protectCheckCode(data, checkCode, this.deps.checkCodeIterations);
    const payerPseudonym = hmacSm3Hex(this.deps.issuerSecret, data.payer.idNumber);
    const dataBytes = Buffer.from(canonicalJson(storedData(data, checkCode)), 'utf8');
    const docs = await this.storeDocuments(`invoice/${data.code}/${data.number}`, dataBytes, pdf, pdfDigest);
    const issued = await this.anchor(user, ledgerInput(user, data, { ...protection, payerPseudonym }, docs), docs);
    await this.saveRecord(invoiceRecord(user, issued, docs));
    const { invoice, txId } = issued;
    this.deps.logger.info('invoice issued', { code: invoice.code, number: invoice.number, txId, mspId: user.mspId });
    return {
      code: invoice.code,
      number: invoice.number,
      checkCode,
      issuingUnit: invoice.issuingUnit,
      txId,
      status: invoice.status,
      pdfDigest,
      dataDigest: docs.data.sm3,
    };
  }

  /** Stores both documents encrypted; on failure the ones already stored are shredded. */
  private async storeDocuments(
    docBase: string,
    dataBytes: Uint8Array,
    pdf: Uint8Array,
    pdfDigest: string,
  ): Promise<StoredDocuments> {
    const { files } = this.deps;
    const stored: StoredDocument[] = [];
    try {
      const data = await files.putDocument(`${docBase}/data`, dataBytes);
      stored.push(data);
      const pdfDoc = await files.putDocument(`${docBase}/pdf`, pdf);
      stored.push(pdfDoc);
      if (pdfDoc.sm3 !== pdfDigest) throw new AppError('INTERNAL', 'stored PDF digest differs from the uploaded PDF');
      return { data, pdf: pdfDoc };
    } catch (err) {
      await this.shred(stored);
      throw fromStorageError(err, 'storing the documents');
    }
  }

  /** Puts the summary on chain; a rejection before commit shreds the orphan documents. */
  private async anchor(user: User, input: IssueInput, docs: StoredDocuments): Promise<IssuedInvoice> {
    try {
      return await this.deps.ledger.issue(user.mspId, input);
    } catch (err) {
      // Rejected before commit: the encrypted copies are orphans, make them unreadable.
      if (err instanceof AppError && DEFINITELY_NOT_WRITTEN.has(err.code)) await this.shred([docs.data, docs.pdf]);
      throw err;
    }
  }

  /**
   * The invoice is on chain by now, so a failure here must not lose the check code: retry a
   * little, then log loudly (code, number, txId and key ids, no personal data) and answer anyway.
   */
  private async saveRecord(record: InvoiceRecordData): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.deps.records.upsert(record);
        return;
      } catch (err) {
        lastError = err;
      }
    }
    this.deps.logger.error('invoice on chain but its off-chain record was not saved', {
      code: record.code,
      number: record.number,
      txId: record.txId,
      pdfKeyId: record.pdf.keyId,
      dataKeyId: record.data.keyId,
      error: describe(lastError),
    });
  }

  private async shred(documents: StoredDocument[]): Promise<void> {
    for (const doc of documents) {
      await this.deps.files.destroyDocument(doc.keyId).catch((err: unknown) => {
        this.deps.logger.warn('could not destroy orphan document key', { keyId: doc.keyId, error: describe(err) });
      });
    }
  }

  /**
   * Authentic / tampered / unknown, comparing the digests of whatever the verifier supplied. The
   * check code is a guess: limited and, when wrong, recorded (CheckCodeGuard).
   */
  async verifyInvoice(user: User, input: VerifyInput): Promise<VerifyOutcome> {
    const { code, number, checkCode } = input;
    const digests: SuppliedDigests = {
      pdfDigest: input.pdf === undefined ? undefined : sm3Hex(input.pdf),
      dataDigest: input.data === undefined ? undefined : dataDigestOrFail(input.data, checkCode),
    };
    return this.deps.guard.guess({ user, code, number, via: 'verify' }, async () => {
      const checked = await this.checkOnLedger(user, { code, number }, checkCode, digests);
      return { result: checked.result.verdict, failure: checked.failure };
    });
  }

  /**
   * Reads the invoice for its salt and iteration count, derives the check code's hash and has
   * the chaincode verify it (on the user's own org's peer).
   */
  private async checkOnLedger(
    user: User,
    id: InvoiceId,
    checkCode: string,
    digests: SuppliedDigests,
  ): Promise<Checked<{ verdict: VerifyOutcome; invoice?: OnChainInvoice }>> {
    const { ledger } = this.deps;
    const invoice = await ledger.read(user.mspId, id.code, id.number).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'INVOICE_NOT_FOUND') return undefined;
      throw err;
    });
    if (invoice === undefined) return { result: { verdict: UNKNOWN }, failure: 'no_such_invoice' };
    const checkCodeHash = await deriveCheckCodeHash(id, checkCode, invoice.checkCodeSalt, invoice.checkCodeIterations);
    const verdict = await ledger.verify(user.mspId, { ...id, checkCodeHash, ...digests });
    if (verdict.result === 'unknown') return { result: { verdict }, failure: 'wrong_check_code' };
    return { result: { verdict, invoice } };
  }

  async readInvoice(user: User, code: string, number: string): Promise<InvoiceView> {
    return toInvoiceView(await this.deps.ledger.read(user.mspId, code, number));
  }

  async history(user: User, code: string, number: string): Promise<HistoryEntryView[]> {
    const entries = await this.deps.ledger.history(user.mspId, code, number);
    if (entries.length === 0) throw new AppError('INVOICE_NOT_FOUND', `invoice ${code}/${number} does not exist`);
    return toHistoryView(entries);
  }

  /**
   * The check code of an invoice, for a billing clerk of the organisation that issued it (to
   * reprint it). It is read from the invoice's encrypted structured data, whose SM3 must be the
   * digest on chain, and must derive the check-code hash on chain.
   */
  async recoverCheckCode(
    user: User,
    code: string,
    number: string,
  ): Promise<{ code: string; number: string; checkCode: string }> {
    const { ledger } = this.deps;
    if (!canIssueInvoices(user)) {
      throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation recover check codes');
    }
    const invoice = await ledger.read(user.mspId, code, number);
    if (invoice.issuerMsp !== user.mspId) {
      throw new AppError('FORBIDDEN', 'only the issuing organisation recovers the check code of an invoice');
    }
    const bytes = await this.readAnchoredDocument(invoice, 'data');
    let stored: unknown;
    try {
      stored = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      throw new AppError('INTERNAL', 'stored structured data is not JSON', { cause: err });
    }
    const parsed = storedCheckCodeSchema.safeParse(stored);
    if (!parsed.success || !(await checkCodeMatches({ code, number }, parsed.data.checkCode, invoice))) {
      throw new AppError('INTERNAL', 'stored check code does not match the ledger');
    }
    return { code, number, checkCode: parsed.data.checkCode };
  }

  /**
   * The original PDF for whoever knows code, number and check code. The check code is verified
   * on chain first, as a guess (limited, recorded when wrong); a wrong one answers exactly like a
   * missing invoice, and the decrypted bytes must have the SM3 digest anchored on chain.
   */
  async downloadPdf(user: User, code: string, number: string, checkCode: string): Promise<Uint8Array> {
    const invoice = await this.deps.guard.guess({ user, code, number, via: 'pdf' }, async () => {
      const checked = await this.checkOnLedger(user, { code, number }, checkCode, {});
      return { result: checked.result.invoice, failure: checked.failure };
    });
    if (invoice === undefined) {
      throw new AppError('INVOICE_NOT_FOUND', 'no invoice with this code, number and check code');
    }
    return this.readAnchoredDocument(invoice, 'pdf');
  }

  /**
   * Decrypts the invoice's PDF or structured data from the off-chain copy this platform holds.
   * The record must point at the CID on chain and the plaintext must have the SM3 on chain.
   */
  private async readAnchoredDocument(invoice: OnChainInvoice, which: 'pdf' | 'data'): Promise<Uint8Array> {
    const { records, files } = this.deps;
    const what = which === 'pdf' ? 'the PDF' : 'the structured data';
    const anchored =
      which === 'pdf'
        ? { cid: invoice.pdfCid, sm3: invoice.pdfDigest }
        : { cid: invoice.dataCid, sm3: invoice.dataDigest };
    const record = await records.find(invoice.code, invoice.number).catch((err: unknown) => {
      throw fromStorageError(err, 'reading the invoice record');
    });
    if (!record) throw new AppError('NOT_FOUND', `${what} of this invoice is not held by this platform`);
    const ref = record[which];
    if (ref.cid !== anchored.cid) throw new AppError('INTERNAL', 'off-chain record does not match the ledger');
    let bytes: Uint8Array;
    try {
      bytes = await files.getDocument(ref.keyId, ref.cid, anchored.sm3);
    } catch (err) {
      throw fromStorageError(err, `reading ${what}`);
    }
    if (sm3Hex(bytes) !== anchored.sm3) {
      throw new AppError(
        'INTERNAL',
        `stored ${which === 'pdf' ? 'PDF' : 'data'} does not match the digest on the ledger`,
      );
    }
    return bytes;
  }
}
