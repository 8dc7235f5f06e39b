/**
 * Red-flush (红冲): the issuing hospital cancels an invoice with a linked red invoice. The red
 * invoice is a document of its own — its PDF and structured data stored SM4-encrypted like any
 * invoice's, its own check code — and the chaincode marks the original RED_FLUSHED in the same
 * transaction (refused while a lock is active or after any reimbursement).
 */
import { sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, type InvoiceId } from '@hdt/vocabulary';
import { assertNewInvoiceOfOrg, type OrgRegistry } from './new-invoice';
import { AppError } from '../../errors';
import type { InvoiceLedger, OnChainInvoice } from '../../fabric/invoice-ledger';
import { describe } from '../../logger';
import type { DocumentFiles } from '../../ports';
import type { User } from '../auth/roles';
import { generateCheckCode, protectCheckCode } from './check-code';
import { anchorDocuments, storeDocuments, type InvoiceDocuments } from './documents';
import { type Idempotent, type IdempotencyDeps, writeOnce } from './idempotency';
import { requireIssuerClerk } from './lifecycle-service';
import type { InvoiceRecords } from './records';
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
  registry: OrgRegistry;
  files: DocumentFiles;
  records: InvoiceRecords;
  checkCodeIterations: number;
  newCheckCode?: (() => string) | undefined;
}

/** A red-flush answers 201 with the original and the red invoice (its check code included). */
const RED_FLUSH_ANSWER = { status: 201, schema: redFlushResponseSchema };

export class RedFlushService {
  constructor(private readonly deps: RedFlushDeps) {}

  /**
   * Red-flushes once per Idempotency-Key: a retry gets the first answer (its red invoice and check
   * code, stored sealed), not a second red invoice.
   */
  redFlush(user: User, id: InvoiceId, request: RedFlushRequest): Promise<Idempotent<RedFlushResult>> {
    requireIssuerClerk(user, 'red-flush an invoice');
    const asked = { redFlush: id, red: request.red, reason: request.reason, pdfDigest: sm3Hex(request.pdf) };
    const keyed = { scope: user.username, key: request.idempotencyKey, request: asked };
    return writeOnce(this.deps, keyed, RED_FLUSH_ANSWER, () => this.redFlushOnce(user, id, request));
  }

  private async redFlushOnce(user: User, id: InvoiceId, request: RedFlushRequest): Promise<RedFlushResult> {
    const original = await this.precheck(user, id, request.red);
    const checkCode = (this.deps.newCheckCode ?? generateCheckCode)();
    const protection = await protectCheckCode(request.red, checkCode, this.deps.checkCodeIterations);
    const data = redData(id, original, request, checkCode);
    const bytes = { data: Buffer.from(canonicalJson(data), 'utf8'), pdf: request.pdf };
    const docs = await storeDocuments(this.deps, request.red, bytes, 'the red invoice');
    const committed = await anchorDocuments(this.deps, docs, 'a refused red-flush', () =>
      this.deps.ledger.redFlush(user.mspId, {
        code: id.code,
        number: id.number,
        actor: user.username,
        reason: request.reason,
        red: {
          ...request.red,
          ...protection,
          dataDigest: docs.data.sm3,
          pdfDigest: docs.pdf.sm3,
          dataCid: docs.data.cid,
          pdfCid: docs.pdf.cid,
        },
      }),
    );
    await this.record(user, committed, docs);
    return {
      original: toInvoiceView(committed.original),
      red: { ...request.red, checkCode, pdfDigest: docs.pdf.sm3, dataDigest: docs.data.sm3 },
      txId: committed.txId,
    };
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

  private async record(
    user: User,
    committed: { red: OnChainInvoice; txId: string },
    docs: InvoiceDocuments,
  ): Promise<void> {
    const { red, txId } = committed;
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
