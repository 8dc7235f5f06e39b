/**
 * Red-flush (红冲): the issuing hospital cancels an invoice with a linked red invoice. The red
 * invoice is a document of its own — its PDF and structured data stored SM4-encrypted like any
 * invoice's, its own check code — and the chaincode marks the original RED_FLUSHED in the same
 * transaction (refused while a lock is active or after any reimbursement).
 */
import { sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, type InvoiceId } from '@hdt/vocabulary';
import type { z } from 'zod';
import { assertNewInvoiceOfOrg, type OrgRegistry } from './new-invoice';
import { AppError } from '../../errors';
import type { InvoiceLedger, OnChainInvoice } from '../../fabric/invoice-ledger';
import type { LifecycleLedger } from '../../fabric/lifecycle-ledger';
import { describe } from '../../logger';
import type { DocumentFiles } from '../../ports';
import type { User } from '../auth/roles';
import { generateCheckCode, protectCheckCode, storedCheckCodeSchema } from './check-code';
import { anchorDocuments, discardDocuments, storeDocuments, type InvoiceDocuments } from './documents';
import { type Idempotent, type IdempotencyDeps, type WriteAttempts, writeOnce } from './idempotency';
import { requireIssuerClerk, type LifecyclePoint } from './lifecycle-service';
import { storedRefSchema, type InvoiceRecords } from './records';
import { redFlushResponseSchema } from './schemas';
import { toInvoiceView, type InvoiceView } from './view';

export interface RedFlushRequest {
  /** The red invoice's own code (allocated to the hospital) and number. */
  red: InvoiceId;
  reason: string;
  /** The red invoice's PDF. */
  pdf: Uint8Array;
  idempotencyKey?: string | undefined;
}

export interface RedFlushResult {
  original: InvoiceView;
  red: { code: string; number: string; checkCode: string; pdfDigest: string; dataDigest: string };
  txId: string;
}

export interface RedFlushDeps extends IdempotencyDeps {
  ledger: InvoiceLedger;
  lifecycle: LifecycleLedger;
  registry: OrgRegistry;
  files: DocumentFiles;
  records: InvoiceRecords;
  checkCodeIterations: number;
  newCheckCode?: (() => string) | undefined;
  /** Called once the red-flush has committed, before its record is saved (crash tests). */
  reached?: ((point: LifecyclePoint) => void) | undefined;
}

/** A red-flush answers 201 with the original and the red invoice (its check code included). */
const RED_FLUSH_ANSWER = { status: 201, schema: redFlushResponseSchema };

/** What a red-flush under a key records (sealed) before it submits: enough to answer after a crash. */
const progressSchema = storedCheckCodeSchema.extend({ data: storedRefSchema, pdf: storedRefSchema });
type RedFlushProgress = z.infer<typeof progressSchema>;

export class RedFlushService {
  constructor(private readonly deps: RedFlushDeps) {}

  /**
   * Red-flushes once per Idempotency-Key: a retry gets the first answer (its red invoice and check
   * code, stored sealed), not a second red invoice — also when the first attempt crashed after
   * its transaction committed.
   */
  redFlush(user: User, id: InvoiceId, request: RedFlushRequest): Promise<Idempotent<RedFlushResult>> {
    requireIssuerClerk(user, 'red-flush an invoice');
    const asked = { redFlush: id, red: request.red, reason: request.reason, pdfDigest: sm3Hex(request.pdf) };
    const keyed = { scope: user.username, key: request.idempotencyKey, request: asked };
    return writeOnce(this.deps, keyed, RED_FLUSH_ANSWER, (attempts) => this.redFlushOnce(user, id, request, attempts));
  }

  private async redFlushOnce(
    user: User,
    id: InvoiceId,
    request: RedFlushRequest,
    attempts: WriteAttempts,
  ): Promise<RedFlushResult> {
    const resumed = await this.resume(user, id, request.red, attempts);
    if (resumed !== undefined) return resumed;
    const original = await this.precheck(user, id, request.red);
    const checkCode = (this.deps.newCheckCode ?? generateCheckCode)();
    const protection = await protectCheckCode(request.red, checkCode, this.deps.checkCodeIterations);
    const data = redData(id, original, request, checkCode);
    const bytes = { data: Buffer.from(canonicalJson(data), 'utf8'), pdf: request.pdf };
    const docs = await storeDocuments(this.deps, request.red, bytes, 'the red invoice');
    const progress: RedFlushProgress = { checkCode, data: docs.data, pdf: docs.pdf };
    const input = {
      code: id.code,
      number: id.number,
      actor: user.username,
      reason: request.reason,
      red: {
        ...request.red,
        ...protection,
        ...{ dataDigest: docs.data.sm3, pdfDigest: docs.pdf.sm3, dataCid: docs.data.cid, pdfCid: docs.pdf.cid },
      },
    };
    await this.remember(attempts, progress);
    const committed = await anchorDocuments(this.deps, docs, 'a refused red-flush', () =>
      this.deps.ledger.redFlush(user.mspId, input, { earlier: [], submitting: attempts.submitting }),
    );
    this.deps.reached?.('committed');
    await this.record(user, committed.red, committed.txId, docs);
    return answer(committed.original, request.red, progress, committed.txId);
  }

  /** Records the progress under the key before anything is sent; when it cannot, discards the documents. */
  private async remember(attempts: WriteAttempts, progress: RedFlushProgress): Promise<void> {
    try {
      await attempts.remember(progress);
    } catch (err) {
      await discardDocuments(this.deps, [progress.data, progress.pdf], 'an unsent red-flush');
      throw err;
    }
  }

  /**
   * The retry that took over a crashed attempt: when that attempt's transaction committed, answers
   * as it would have (saving the red invoice's record if the crash came first); otherwise undefined,
   * and the red-flush runs anew. Documents the crashed attempt stored and never anchored are left
   * to the orphan sweep, which unpins them and destroys their keys once nothing refers to them.
   */
  private async resume(
    user: User,
    id: InvoiceId,
    red: InvoiceId,
    attempts: WriteAttempts,
  ): Promise<RedFlushResult | undefined> {
    if (attempts.earlier.length === 0 || attempts.progress === undefined) return undefined;
    const parsed = progressSchema.safeParse(attempts.progress);
    if (!parsed.success) throw new AppError('INTERNAL', 'the recorded progress of a red-flush is unreadable');
    const progress = parsed.data;
    const original = await this.deps.lifecycle.committed(user.mspId, id, attempts.earlier);
    if (original === undefined) return undefined;
    const made = await this.deps.lifecycle.committed(user.mspId, red, [original.txId]);
    if (made === undefined)
      throw new AppError('INTERNAL', `red-flush ${original.txId} committed without its red invoice`);
    const held = await this.deps.records.find(red.code, red.number).catch((err: unknown) => {
      // Unknown: the record is left as it is; the reconciler lists it if it is missing.
      this.deps.logger.warn('red invoice record not checked after a crash', { error: describe(err) });
      return null;
    });
    if (held === undefined) await this.record(user, made.result, original.txId, progress);
    return answer(original.result, red, progress, original.txId);
  }

  /** What can be checked before storing: the original is the clerk's, the red code is theirs and new. */
  private async precheck(user: User, id: InvoiceId, red: InvoiceId): Promise<OnChainInvoice> {
    const { ledger } = this.deps;
    const original = await ledger.read(user.mspId, id.code, id.number);
    if (original.issuerMsp !== user.mspId) {
      throw new AppError('FORBIDDEN', `only ${original.issuerMsp}, which issued it, red-flushes this invoice`);
    }
    await assertNewInvoiceOfOrg(ledger, this.deps.registry, user.mspId, red);
    return original;
  }

  private async record(user: User, red: OnChainInvoice, txId: string, docs: InvoiceDocuments): Promise<void> {
    await this.deps.records
      .upsert({
        code: red.code,
        number: red.number,
        issuerMsp: red.issuerMsp,
        issuingUnit: red.issuingUnit,
        type: red.type,
        totalAmount: red.totalAmount,
        status: red.status,
        pdf: docs.pdf,
        data: docs.data,
        txId,
        createdBy: user.username,
      })
      .catch((err: unknown) => {
        // On chain already; the reconciler lists it (LEDGER_WITHOUT_RECORD) until it is repaired.
        this.deps.logger.error('red invoice on chain, its off-chain record not saved', {
          invoice: `${red.code}/${red.number}`,
          txId,
          error: describe(err),
        });
      });
  }
}

/** The answer to a red-flush: the original as the transaction left it, and the red invoice with its check code. */
function answer(original: OnChainInvoice, red: InvoiceId, progress: RedFlushProgress, txId: string): RedFlushResult {
  const { checkCode, pdf, data } = progress;
  return {
    original: toInvoiceView(original),
    red: { code: red.code, number: red.number, checkCode, pdfDigest: pdf.sm3, dataDigest: data.sm3 },
    txId,
  };
}

/** The red invoice's structured data: what it cancels, why, its negative amount and its check code. */
function redData(id: InvoiceId, original: OnChainInvoice, request: RedFlushRequest, checkCode: string) {
  return {
    kind: 'RED',
    code: request.red.code,
    number: request.red.number,
    original: { code: id.code, number: id.number },
    type: original.type,
    totalAmount: -original.totalAmount,
    reason: request.reason,
    checkCode,
  };
}
