/**
 * Update (修改): the issuing hospital corrects an invoice before any lock or claim. The corrected
 * structured data and its PDF are stored SM4-encrypted like an issued invoice's, under fresh data
 * keys, and `invoice:Update` anchors their digests and content addresses; the check code stays the
 * one printed on the invoice. The off-chain record then points at the new documents and keeps the
 * replaced ones (`superseded`), so every revision in the history stays readable.
 */
import { hmacSm3Hex, sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, type InvoiceId } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { InvoiceLedger, OnChainInvoice } from '../../fabric/invoice-ledger';
import type { Attempts } from '../../fabric/ledger-client';
import type { LifecycleLedger } from '../../fabric/lifecycle-ledger';
import { describe, type Logger } from '../../logger';
import type { DocumentFiles, IdempotencyStore } from '../../ports';
import type { User } from '../auth/roles';
import { anchorDocuments, storeDocuments, type InvoiceDocuments } from './documents';
import type { InvoiceRecordData, InvoiceRecords } from './records';
import type { InvoiceData } from './schemas';
import { storedData } from './service';
import { type Idempotent, writeOnce } from './idempotency';
import { LIFECYCLE_ANSWER, requireIssuerClerk } from './lifecycle-service';
import { toInvoiceView, type LifecycleResult } from './view';

export interface UpdateRequest {
  /** The corrected invoice data; its code and number are the invoice's. */
  data: InvoiceData;
  /** The corrected PDF. */
  pdf: Uint8Array;
  idempotencyKey?: string | undefined;
}

export type UpdateResult = LifecycleResult;

export interface UpdateDeps {
  ledger: InvoiceLedger;
  lifecycle: LifecycleLedger;
  files: DocumentFiles;
  records: InvoiceRecords;
  idempotency: IdempotencyStore;
  issuerSecret: Uint8Array;
  /** The check code printed on the invoice, read back from its encrypted structured data. */
  checkCodeOf: (user: User, code: string, number: string) => Promise<{ checkCode: string }>;
  logger: Logger;
}

export class UpdateService {
  constructor(private readonly deps: UpdateDeps) {}

  /** Updates the invoice once per Idempotency-Key: a retry gets the first answer, not a second revision. */
  update(user: User, id: InvoiceId, request: UpdateRequest): Promise<Idempotent<UpdateResult>> {
    requireIssuerClerk(user, 'update an invoice');
    if (request.data.code !== id.code || request.data.number !== id.number) {
      throw new AppError('VALIDATION', `invoice: code and number must be the invoice's own (${id.code}/${id.number})`);
    }
    const asked = { update: id, invoice: request.data, pdfDigest: sm3Hex(request.pdf) };
    const keyed = { scope: user.username, key: request.idempotencyKey, request: asked };
    return writeOnce(this.deps, keyed, LIFECYCLE_ANSWER, (attempts) => this.updateOnce(user, id, request, attempts));
  }

  /**
   * Stores the documents and submits the update. A retry that took over a crashed attempt answers
   * with that attempt's update when it committed, storing nothing; the off-chain record may then
   * still point at the previous documents, and the reconciler lists it (RECORD_DIFFERS).
   */
  private async updateOnce(
    user: User,
    id: InvoiceId,
    request: UpdateRequest,
    attempts: Attempts,
  ): Promise<UpdateResult> {
    const earlier = await this.deps.lifecycle.committed(user.mspId, id, attempts.earlier);
    if (earlier !== undefined) return { invoice: toInvoiceView(earlier.result), txId: earlier.txId };
    const current = await this.deps.ledger.read(user.mspId, id.code, id.number);
    if (current.issuerMsp !== user.mspId) {
      throw new AppError('FORBIDDEN', `only ${current.issuerMsp}, which issued it, updates this invoice`);
    }
    const { checkCode } = await this.deps.checkCodeOf(user, id.code, id.number);
    const bytes = Buffer.from(canonicalJson(storedData(request.data, checkCode)), 'utf8');
    const docs = await storeDocuments(this.deps, id, { data: bytes, pdf: request.pdf }, 'the updated invoice');
    const committed = await anchorDocuments(this.deps, docs, 'a refused update', () =>
      this.submit(user, request.data, docs, attempts.submitting),
    );
    await this.record(committed, docs);
    return { invoice: toInvoiceView(committed.invoice), txId: committed.txId };
  }

  private submit(
    user: User,
    data: InvoiceData,
    docs: InvoiceDocuments,
    submitting: Attempts['submitting'],
  ): Promise<{ invoice: OnChainInvoice; txId: string }> {
    const attempts = { earlier: [], submitting };
    return this.deps.lifecycle.apply(
      user.mspId,
      'Update',
      {
        code: data.code,
        number: data.number,
        type: data.type,
        totalAmount: data.totalAmount,
        payment: data.payment,
        reimbursableAmount: data.reimbursableAmount,
        payerPseudonym: hmacSm3Hex(this.deps.issuerSecret, data.payer.idNumber),
        dataDigest: docs.data.sm3,
        pdfDigest: docs.pdf.sm3,
        dataCid: docs.data.cid,
        pdfCid: docs.pdf.cid,
        actor: user.username,
      },
      attempts,
    );
  }

  /**
   * Points the record at the new documents and keeps the replaced ones. A record that cannot be
   * saved is logged: the reconciler lists it (RECORD_DIFFERS) until it is repaired.
   */
  private async record(committed: { invoice: OnChainInvoice; txId: string }, docs: InvoiceDocuments): Promise<void> {
    const { invoice, txId } = committed;
    const label = `${invoice.code}/${invoice.number}`;
    try {
      const old = await this.deps.records.find(invoice.code, invoice.number);
      if (old === undefined) throw new Error('no off-chain record of the invoice');
      await this.deps.records.upsert(updatedRecord(old, invoice, { ...docs, txId }));
    } catch (err) {
      this.deps.logger.error('invoice updated on chain, its off-chain record not updated', {
        invoice: label,
        txId,
        error: describe(err),
      });
    }
  }
}

/** The record after an update: the new documents, type, amount and status; the replaced documents kept. */
export function updatedRecord(
  old: InvoiceRecordData,
  after: OnChainInvoice,
  update: InvoiceDocuments & { txId: string },
): InvoiceRecordData {
  const replaced = old.pdf.cid === update.pdf.cid ? [] : [{ pdf: old.pdf, data: old.data, txId: old.txId }];
  return {
    ...old,
    type: after.type,
    totalAmount: after.totalAmount,
    status: after.status,
    pdf: update.pdf,
    data: update.data,
    txId: update.txId,
    superseded: [...(old.superseded ?? []), ...replaced],
  };
}
