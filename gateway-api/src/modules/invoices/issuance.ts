import { randomUUID } from 'node:crypto';
import { canonicalJson } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { InvoiceLedger, IssueInput, OnChainInvoice } from '../../fabric/invoice-ledger';
import { describe, type Logger } from '../../logger';
import type { DocumentFiles, IdempotencyStore, StoredDocument } from '../../ports';
import type { IssuanceAnchor, IssuanceDocumentRef } from './issuance-model';
import type { Issuance, IssuanceChanges, Issuances } from './issuances';
import { invoiceRecordId } from './record-model';
import type { InvoiceRecordData, InvoiceRecords } from './records';
import { fromStorageError } from './storage-errors';
import { DEFINITELY_NOT_WRITTEN } from './new-invoice';
import { discardDocuments } from './documents';
import { storedCheckCodeSchema } from './check-code';

/**
 * Points between the steps of an issuance, in order: recorded, documents stored, summary committed
 * on chain, anchor recorded, off-chain record saved, issuance done. A crash test stops the process
 * at one of them (ISSUANCE_CRASH_AT); the recovery worker must finish or compensate from there.
 */
export const ISSUANCE_POINTS = ['intent', 'stored', 'submitted', 'anchored', 'recorded', 'done'] as const;
export type IssuancePoint = (typeof ISSUANCE_POINTS)[number];

/** The response to an issue: the check code is printed on the invoice. */
export interface IssuedResult {
  code: string;
  number: string;
  checkCode: string;
  issuingUnit: string;
  txId: string;
  status: string;
  pdfDigest: string;
  dataDigest: string;
}

/** Accepted, not yet on chain (the ordering service is unreachable): retried until it lands. */
export interface PendingResult {
  code: string;
  number: string;
  checkCode: string;
  status: 'PENDING';
  pdfDigest: string;
  dataDigest: string;
  attempts: number;
}

export type IssuanceOutcome = { kind: 'done'; result: IssuedResult } | { kind: 'pending'; result: PendingResult };

export interface IssuanceRunnerDeps {
  ledger: InvoiceLedger;
  files: DocumentFiles;
  records: InvoiceRecords;
  idempotency: IdempotencyStore;
  issuances: Issuances;
  logger: Logger;
  /** How long a runner holds an issuance before the recovery worker may take it over. */
  leaseMs: number;
  /** Called when an issuance passes a point (crash tests stop the process here). */
  reached?: ((point: IssuancePoint, issuance: Issuance) => void) | undefined;
  clock?: (() => Date) | undefined;
}

/** What the request supplies to a new issuance. */
export interface NewIssuance {
  code: string;
  number: string;
  owner: { username: string; mspId: string };
  requestHash: string;
  idempotency?: { scope: string; key: string } | undefined;
  checkCode: string;
  dataBytes: Uint8Array;
  pdf: Uint8Array;
  pdfDigest: string;
  /** The Issue input, given where the two documents went. */
  ledgerInput: (docs: { data: StoredDocument; pdf: StoredDocument }) => IssueInput;
}

/** Wait before the next attempt to anchor: 1 s, 2 s, 4 s … at most 30 s. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

class LeaseLost extends Error {
  constructor(id: string) {
    super(`issuance ${id} was taken over by another runner`);
  }
}

/**
 * Issuing as a saga: every step is recorded in `invoice_issuances` before it runs, so a crash at
 * any point leaves enough behind for `resume` to finish the issuance or undo it. The ledger's own
 * uniqueness of code+number makes anchoring safe to repeat; an anchored invoice is recognised by
 * the content addresses of this issuance's documents (fresh keys make them unique).
 */
export class IssuanceRunner {
  private readonly now: () => Date;

  constructor(private readonly deps: IssuanceRunnerDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  /**
   * Runs a new issuance: records it, stores the documents, anchors, records. Returns the result,
   * or pending when the ledger could not be reached (the worker retries). When an issuance of the
   * invoice exists already, returns it in `existing` and does nothing.
   */
  async begin(request: NewIssuance): Promise<IssuanceOutcome | { kind: 'existing'; issuance: Issuance }> {
    const { issuances } = this.deps;
    const now = this.now();
    const issuance: Issuance = {
      id: invoiceRecordId(request.code, request.number),
      code: request.code,
      number: request.number,
      state: 'STORING',
      owner: request.owner,
      requestHash: request.requestHash,
      idempotency: request.idempotency,
      docBase: `invoice/${request.code}/${request.number}/${randomUUID()}`,
      attempts: 0,
      lease: randomUUID(),
      dueAt: new Date(now.getTime() + this.deps.leaseMs),
      createdAt: now,
      updatedAt: now,
    };
    const existing = await issuances.create(issuance).catch((err: unknown) => {
      throw fromStorageError(err, 'recording the issuance');
    });
    if (existing !== undefined) return { kind: 'existing', issuance: existing };
    this.deps.reached?.('intent', issuance);
    const stored = await this.store(issuance, request);
    return this.anchor(stored, request.checkCode);
  }

  find(code: string, number: string): Promise<Issuance | undefined> {
    return this.deps.issuances.find(code, number).catch((err: unknown) => {
      throw fromStorageError(err, 'reading the issuance');
    });
  }

  /** Continues an issuance the recovery worker took over (under `issuance.lease`). */
  async resume(issuance: Issuance): Promise<IssuanceOutcome | { kind: 'compensated' }> {
    switch (issuance.state) {
      case 'STORING':
        // The request that held the PDF is gone: undo what it stored.
        await this.compensate(issuance, 'interrupted while storing its documents');
        return { kind: 'compensated' };
      case 'ANCHORING': {
        const landed = await this.landed(issuance);
        if (landed === 'other') {
          await this.compensate(issuance, 'another issue of this code and number is on the ledger');
          return { kind: 'compensated' };
        }
        if (landed !== undefined) return this.record(await this.saveAnchor(issuance, landed), undefined);
        return this.anchor(issuance, undefined).catch((err: unknown) => {
          // A refusal was compensated by anchor itself.
          if (err instanceof AppError && DEFINITELY_NOT_WRITTEN.has(err.code)) return { kind: 'compensated' as const };
          throw err;
        });
      }
      case 'RECORDING':
        return this.record(issuance, undefined);
      case 'DONE':
        return { kind: 'done', result: await this.result(issuance, undefined) };
    }
  }

  /** The answer for an issuance found by a repeated request: done, pending, or still running. */
  async outcomeOf(issuance: Issuance): Promise<IssuanceOutcome> {
    if (issuance.state === 'DONE') return { kind: 'done', result: await this.result(issuance, undefined) };
    if (issuance.dataDoc === undefined || issuance.pdfDoc === undefined) {
      throw new AppError('CONFLICT', `invoice ${issuance.id} is being issued; try again shortly`);
    }
    return { kind: 'pending', result: await this.pending(issuance, undefined) };
  }

  private async store(issuance: Issuance, request: NewIssuance): Promise<Issuance> {
    const { files } = this.deps;
    let current = issuance;
    try {
      const data = await files.putDocument(`${issuance.docBase}/data`, request.dataBytes);
      current = await this.step(current, { dataDoc: data });
      const pdf = await files.putDocument(`${issuance.docBase}/pdf`, request.pdf);
      current = await this.step(current, { pdfDoc: pdf });
      if (pdf.sm3 !== request.pdfDigest)
        throw new AppError('INTERNAL', 'stored PDF digest differs from the uploaded PDF');
      const input = request.ledgerInput({ data, pdf });
      current = await this.step(current, { state: 'ANCHORING', ledgerInput: canonicalJson(input) });
    } catch (err) {
      if (err instanceof LeaseLost) throw new AppError('CONFLICT', err.message);
      await this.compensate(current, 'its documents could not be stored');
      throw fromStorageError(err, 'storing the documents');
    }
    this.deps.reached?.('stored', current);
    return current;
  }

  /**
   * Submits the summary. A refusal compensates and throws; an unreachable ledger leaves the
   * issuance pending with a time for the next attempt.
   */
  private async anchor(issuance: Issuance, checkCode: string | undefined): Promise<IssuanceOutcome> {
    const input = this.ledgerInputOf(issuance);
    let issued: { invoice: OnChainInvoice; txId: string };
    try {
      issued = await this.deps.ledger.issue(issuance.owner.mspId, input);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'INVOICE_EXISTS') {
        // Perhaps our own earlier attempt, whose outcome was not known.
        const landed = await this.landed(issuance);
        if (landed !== undefined && landed !== 'other') {
          return this.record(await this.saveAnchor(issuance, landed), checkCode);
        }
      }
      if (DEFINITELY_NOT_WRITTEN.has(err.code)) {
        await this.compensate(issuance, `the ledger refused it: ${err.code}`);
        throw err;
      }
      return this.postpone(issuance, err, checkCode);
    }
    this.deps.reached?.('submitted', issuance);
    const anchored = await this.saveAnchor(issuance, anchorOf(issued.invoice, issued.txId));
    return this.record(anchored, checkCode);
  }

  private async postpone(issuance: Issuance, err: AppError, checkCode: string | undefined): Promise<IssuanceOutcome> {
    const attempts = issuance.attempts + 1;
    const dueAt = new Date(this.now().getTime() + retryDelayMs(attempts));
    const current = await this.step(issuance, { attempts, lastError: `${err.code}: ${err.message}`, dueAt });
    this.deps.logger.warn('invoice accepted, not yet on the ledger; will retry', {
      invoice: issuance.id,
      attempts,
      error: err.code,
    });
    return { kind: 'pending', result: await this.pending(current, checkCode) };
  }

  private async saveAnchor(issuance: Issuance, anchor: IssuanceAnchor): Promise<Issuance> {
    const current = await this.step(issuance, { state: 'RECORDING', anchor });
    this.deps.reached?.('anchored', current);
    return current;
  }

  /** Saves the off-chain record, marks the issuance done and answers the idempotency key. */
  private async record(issuance: Issuance, checkCode: string | undefined): Promise<IssuanceOutcome> {
    const { anchor, dataDoc, pdfDoc } = issuance;
    if (anchor === undefined || dataDoc === undefined || pdfDoc === undefined) {
      throw new AppError('INTERNAL', `issuance ${issuance.id} is anchored without its documents`);
    }
    try {
      await this.deps.records.upsert(recordOf(issuance, anchor, { data: dataDoc, pdf: pdfDoc }));
    } catch (err) {
      // On chain already: the clerk gets the check code now, the worker saves the record later.
      this.deps.logger.error('invoice on chain, its off-chain record not saved yet', {
        invoice: issuance.id,
        txId: anchor.txId,
        error: describe(err),
      });
      await this.step(issuance, { dueAt: new Date(this.now().getTime() + retryDelayMs(1)) }).catch(() => undefined);
      return { kind: 'done', result: await this.result(issuance, checkCode) };
    }
    this.deps.reached?.('recorded', issuance);
    const done = await this.step(issuance, { state: 'DONE' });
    this.deps.reached?.('done', done);
    const result = await this.result(done, checkCode);
    if (done.idempotency !== undefined) {
      const { scope, key } = done.idempotency;
      await this.deps.idempotency.complete(scope, key, 201, result).catch((err: unknown) => {
        this.deps.logger.error('could not record idempotent response', { invoice: done.id, error: describe(err) });
      });
    }
    this.deps.logger.info('invoice issued', { invoice: done.id, txId: anchor.txId, mspId: anchor.issuerMsp });
    return { kind: 'done', result };
  }

  /** Undoes an issuance that will never be on chain: its documents discarded, its key released, the record removed. */
  private async compensate(issuance: Issuance, reason: string): Promise<void> {
    const { idempotency, issuances, logger } = this.deps;
    await discardDocuments(this.deps, [issuance.dataDoc, issuance.pdfDoc], 'a refused issue');
    if (issuance.idempotency !== undefined) {
      const { scope, key } = issuance.idempotency;
      await idempotency.abandon(scope, key).catch((err: unknown) => {
        logger.error('could not release idempotency key', { scope, error: describe(err) });
      });
    }
    await issuances.remove(issuance.id, issuance.lease);
    logger.info('issuance undone', { invoice: issuance.id, reason });
  }

  /** Whether this issuance's summary is on the ledger: its anchor, 'other' for someone else's invoice, or undefined. */
  private async landed(issuance: Issuance): Promise<IssuanceAnchor | 'other' | undefined> {
    const { ledger } = this.deps;
    const mspId = issuance.owner.mspId;
    const invoice = await ledger.read(mspId, issuance.code, issuance.number).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'INVOICE_NOT_FOUND') return undefined;
      throw err;
    });
    if (invoice === undefined) return undefined;
    if (invoice.dataCid !== issuance.dataDoc?.cid || invoice.pdfCid !== issuance.pdfDoc?.cid) return 'other';
    const history = await ledger.history(mspId, issuance.code, issuance.number);
    const issued = history.find((entry) => entry.value?.lastOperation.operation === 'ISSUE');
    return anchorOf(issued?.value ?? invoice, issued?.txId ?? invoice.lastTxId);
  }

  private ledgerInputOf(issuance: Issuance): IssueInput {
    if (issuance.ledgerInput === undefined)
      throw new AppError('INTERNAL', `issuance ${issuance.id} has no ledger input`);
    return JSON.parse(issuance.ledgerInput) as IssueInput;
  }

  /** Writes a step under the issuance's lease; the copy returned carries the changes. */
  private async step(issuance: Issuance, changes: IssuanceChanges): Promise<Issuance> {
    const written = await this.deps.issuances.update(issuance.id, issuance.lease, changes).catch((err: unknown) => {
      throw fromStorageError(err, 'recording an issuance step');
    });
    if (!written) throw new LeaseLost(issuance.id);
    return { ...issuance, ...definedChanges(changes), updatedAt: this.now() };
  }

  private async result(issuance: Issuance, checkCode: string | undefined): Promise<IssuedResult> {
    const { anchor, dataDoc, pdfDoc } = issuance;
    if (anchor === undefined || dataDoc === undefined || pdfDoc === undefined) {
      throw new AppError('INTERNAL', `issuance ${issuance.id} has no anchor`);
    }
    return {
      code: issuance.code,
      number: issuance.number,
      checkCode: checkCode ?? (await this.storedCheckCode(issuance)),
      issuingUnit: anchor.issuingUnit,
      txId: anchor.txId,
      status: anchor.status,
      pdfDigest: pdfDoc.sm3,
      dataDigest: dataDoc.sm3,
    };
  }

  private async pending(issuance: Issuance, checkCode: string | undefined): Promise<PendingResult> {
    const { dataDoc, pdfDoc } = issuance;
    if (dataDoc === undefined || pdfDoc === undefined) throw new AppError('INTERNAL', 'pending without documents');
    return {
      code: issuance.code,
      number: issuance.number,
      checkCode: checkCode ?? (await this.storedCheckCode(issuance)),
      status: 'PENDING',
      pdfDigest: pdfDoc.sm3,
      dataDigest: dataDoc.sm3,
      attempts: issuance.attempts,
    };
  }

  /** After a restart the check code is only in the encrypted structured data: read it back from there. */
  private async storedCheckCode(issuance: Issuance): Promise<string> {
    const doc = issuance.dataDoc;
    if (doc === undefined) throw new AppError('INTERNAL', `issuance ${issuance.id} has no structured data`);
    const bytes = await this.deps.files.getDocument(doc.keyId, doc.cid, doc.sm3).catch((err: unknown) => {
      throw fromStorageError(err, 'reading the structured data');
    });
    const parsed = storedCheckCodeSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    if (!parsed.success) throw new AppError('INTERNAL', 'stored structured data holds no check code');
    return parsed.data.checkCode;
  }
}

/** The off-chain record of an anchored issuance: what the chain answered and where the documents are. */
function recordOf(
  issuance: Issuance,
  anchor: IssuanceAnchor,
  docs: { data: IssuanceDocumentRef; pdf: IssuanceDocumentRef },
): InvoiceRecordData {
  return {
    code: issuance.code,
    number: issuance.number,
    issuerMsp: anchor.issuerMsp,
    issuingUnit: anchor.issuingUnit,
    type: anchor.type,
    totalAmount: anchor.totalAmount,
    status: anchor.status,
    pdf: docs.pdf,
    data: docs.data,
    txId: anchor.txId,
    createdBy: issuance.owner.username,
  };
}

function anchorOf(invoice: OnChainInvoice, txId: string): IssuanceAnchor {
  return {
    txId,
    issuerMsp: invoice.issuerMsp,
    issuingUnit: invoice.issuingUnit,
    status: invoice.status,
    type: invoice.type,
    totalAmount: invoice.totalAmount,
  };
}

function definedChanges(changes: IssuanceChanges): IssuanceChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}
