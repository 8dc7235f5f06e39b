import { randomInt } from 'node:crypto';
import { hmacSm3Hex, sm3Hex } from '@hdt/offchain-store';
import { canonicalJson } from '@hdt/vocabulary';
import { z } from 'zod';
import { canIssueInvoices, type User } from '../auth/roles';
import type {
  HistoryEntry,
  InvoiceLedger,
  IssueInput,
  OnChainInvoice,
  VerifyOutcome,
} from '../../fabric/invoice-ledger';
import { AppError } from '../../errors';
import type { InvoiceData } from './schemas';
import { describe, type Logger } from '../../logger';
import type { BeginIdempotentResult, DocumentFiles, IdempotencyStore, StoredDocument } from '../../ports';
import type { InvoiceRecordData, InvoiceRecords } from './records';

/** Unambiguous alphabet of check codes: digits and uppercase letters without O and I. */
export const CHECK_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CHECK_CODE_LENGTH = 6;

export function generateCheckCode(): string {
  let code = '';
  for (let i = 0; i < CHECK_CODE_LENGTH; i++) code += CHECK_CODE_ALPHABET[randomInt(CHECK_CODE_ALPHABET.length)];
  return code;
}

/** The value anchored on chain for a check code. */
export function checkCodeHash(code: string, number: string, checkCode: string): string {
  return sm3Hex(`${code}:${number}:${checkCode}`);
}

/**
 * Structured data as kept off chain: the posted invoice data plus the check code printed on
 * the invoice. This is where the check code lives off chain: inside the SM4-encrypted data
 * document (one data key per document), so the issuer can decrypt it to reprint the invoice,
 * and crypto-shredding that key erases it together with the personal data. The data digest on
 * chain covers it, so a verifier who supplies the data without `checkCode` gets it added from
 * the request (see `storedData`).
 */
function storedData(data: Readonly<Record<string, unknown>>, checkCode: string): Record<string, unknown> {
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
  /** Key of the payer pseudonym (HMAC-SM3 of the payer's ID number). */
  issuerSecret: Uint8Array;
  logger: Logger;
  newCheckCode?: () => string;
}

/** Chaincode or gateway verdicts after which the transaction certainly did not reach the ledger. */
const DEFINITELY_NOT_WRITTEN = new Set(['INVALID_ARGUMENT', 'FORBIDDEN', 'INVOICE_EXISTS', 'CONFLICT', 'VALIDATION']);

const offchainErrorShape = z.object({ code: z.string() });
const storedCheckCodeSchema = z.object({ checkCode: z.string().regex(/^[0-9A-Z]{6}$/) });

/** Maps an error of the off-chain store to an AppError (storage errors are never the client's fault). */
function fromStorageError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const shape = err instanceof Error ? offchainErrorShape.safeParse(err) : undefined;
  const code = shape?.success ? shape.data.code : undefined;
  switch (code) {
    case 'DATABASE_UNAVAILABLE':
    case 'BLOB_STORE_UNAVAILABLE':
    case 'KEK_UNAVAILABLE':
      return new AppError('STORAGE_UNAVAILABLE', `${what}: storage is unavailable, try again later`, { cause: err });
    case 'KEY_DESTROYED':
      return new AppError('NOT_FOUND', `${what}: the document was erased`, { cause: err });
    default:
      return new AppError('INTERNAL', `${what} failed`, { cause: err });
  }
}

interface StoredDocuments {
  data: StoredDocument;
  pdf: StoredDocument;
}

interface IssuedInvoice {
  invoice: OnChainInvoice;
  txId: string;
}

/** The issuing unit named by the invoice, or the clerk's; only hospital billing clerks issue. */
function issuingUnitOf(user: User, data: InvoiceData): string {
  if (!canIssueInvoices(user)) {
    throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation issue invoices');
  }
  const issuingUnit = data.issuingUnit ?? user.unit;
  if (issuingUnit === undefined) throw new AppError('VALIDATION', 'issuingUnit: required (the user has no unit)');
  return issuingUnit;
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

/** The summary that goes on chain: digests, content addresses and pseudonyms, no personal data. */
function ledgerInput(
  data: InvoiceData,
  issuingUnit: string,
  derived: { checkCodeHash: string; payerPseudonym: string; docs: StoredDocuments },
): IssueInput {
  const { docs } = derived;
  return {
    code: data.code,
    number: data.number,
    checkCodeHash: derived.checkCodeHash,
    type: data.type,
    issuingUnit,
    totalAmount: data.totalAmount,
    payment: data.payment,
    reimbursableAmount: data.reimbursableAmount,
    payerPseudonym: derived.payerPseudonym,
    dataDigest: docs.data.sm3,
    pdfDigest: docs.pdf.sm3,
    dataCid: docs.data.cid,
    pdfCid: docs.pdf.cid,
  };
}

function invoiceRecord(user: User, input: IssueInput, issued: IssuedInvoice, docs: StoredDocuments): InvoiceRecordData {
  const ref = (doc: StoredDocument) => ({ cid: doc.cid, sm3: doc.sm3, keyId: doc.keyId, size: doc.size });
  return {
    code: input.code,
    number: input.number,
    issuerMsp: issued.invoice.issuerMsp,
    issuingUnit: input.issuingUnit,
    type: input.type,
    totalAmount: input.totalAmount,
    status: issued.invoice.status,
    pdf: ref(docs.pdf),
    data: ref(docs.data),
    txId: issued.txId,
    createdBy: user.username,
  };
}

/** Use cases of medical e-invoices: issue, verify, read, history and PDF retrieval. */
export class InvoiceService {
  private readonly newCheckCode: () => string;

  constructor(private readonly deps: InvoiceServiceDeps) {
    this.newCheckCode = deps.newCheckCode ?? generateCheckCode;
  }

  /**
   * Issues an invoice: check code, pseudonym and digests are computed here, the PDF and the
   * structured data are stored encrypted, the summary goes on chain, then the off-chain record
   * is saved. With an Idempotency-Key, a repeated identical request returns the first result.
   */
  async issueInvoice(user: User, data: InvoiceData, pdf: Uint8Array, idempotencyKey?: string): Promise<IssueOutcome> {
    const issuingUnit = issuingUnitOf(user, data);
    const pdfDigest = sm3Hex(pdf);
    const issue = () => this.issueOnce(user, data, issuingUnit, pdf, pdfDigest);
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

  private async issueOnce(
    user: User,
    data: InvoiceData,
    issuingUnit: string,
    pdf: Uint8Array,
    pdfDigest: string,
  ): Promise<IssueResult> {
    const checkCode = this.newCheckCode();
    const dataBytes = Buffer.from(canonicalJson(storedData(data, checkCode)), 'utf8');
    const docs = await this.storeDocuments(`invoice/${data.code}/${data.number}`, dataBytes, pdf, pdfDigest);
    const input = ledgerInput(data, issuingUnit, {
      checkCodeHash: checkCodeHash(data.code, data.number, checkCode),
      payerPseudonym: hmacSm3Hex(this.deps.issuerSecret, data.payer.idNumber),
      docs,
    });
    const issued = await this.anchor(user, input, docs);
    await this.saveRecord(invoiceRecord(user, input, issued, docs));
    this.deps.logger.info('invoice issued', {
      code: data.code,
      number: data.number,
      txId: issued.txId,
      mspId: user.mspId,
    });
    const { code, number } = data;
    return {
      code,
      number,
      checkCode,
      txId: issued.txId,
      status: issued.invoice.status,
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

  /** Authentic / tampered / unknown, comparing the digests of whatever the verifier supplied. */
  async verifyInvoice(user: User, input: VerifyInput): Promise<VerifyOutcome> {
    let dataDigest: string | undefined;
    if (input.data !== undefined) {
      try {
        dataDigest = dataDigestOf(input.data, input.checkCode);
      } catch (err) {
        throw new AppError('VALIDATION', 'data: cannot be represented as canonical JSON', { cause: err });
      }
    }
    return this.deps.ledger.verify(user.mspId, {
      code: input.code,
      number: input.number,
      checkCodeHash: checkCodeHash(input.code, input.number, input.checkCode),
      pdfDigest: input.pdf === undefined ? undefined : sm3Hex(input.pdf),
      dataDigest,
    });
  }

  readInvoice(user: User, code: string, number: string): Promise<OnChainInvoice> {
    return this.deps.ledger.read(user.mspId, code, number);
  }

  async history(user: User, code: string, number: string): Promise<HistoryEntry[]> {
    const entries = await this.deps.ledger.history(user.mspId, code, number);
    if (entries.length === 0) throw new AppError('INVOICE_NOT_FOUND', `invoice ${code}/${number} does not exist`);
    return entries;
  }

  /**
   * The check code of an invoice, for a billing clerk of the organisation that issued it (to
   * reprint it). It is read from the invoice's encrypted structured data, whose SM3 must be the
   * digest on chain, and must hash to the check-code hash on chain.
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
    if (!parsed.success || checkCodeHash(code, number, parsed.data.checkCode) !== invoice.checkCodeHash) {
      throw new AppError('INTERNAL', 'stored check code does not match the ledger');
    }
    return { code, number, checkCode: parsed.data.checkCode };
  }

  /**
   * The original PDF for whoever knows code, number and check code. The check code is verified
   * on chain first (a wrong one answers exactly like a missing invoice), and the decrypted bytes
   * must have the SM3 digest anchored on chain.
   */
  async downloadPdf(user: User, code: string, number: string, checkCode: string): Promise<Uint8Array> {
    const { ledger } = this.deps;
    const verdict = await ledger.verify(user.mspId, {
      code,
      number,
      checkCodeHash: checkCodeHash(code, number, checkCode),
    });
    if (verdict.result === 'unknown') {
      throw new AppError('INVOICE_NOT_FOUND', 'no invoice with this code, number and check code');
    }
    const invoice = await ledger.read(user.mspId, code, number);
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
