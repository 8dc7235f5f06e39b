/**
 * Contract `invoice`: the lifecycle of medical e-invoices — issue, update, lock, reimburse,
 * unlock, red-flush, void, write-off — and read, verify and trace.
 * Each transaction: parse arguments -> authorise the caller -> domain rule -> ledger write ->
 * event. Rules live in ../domain, ledger access in ../ledger.
 */
import { INVOICE_CONTRACT, INVOICE_EVENTS, verdictOn, type Invoice, type InvoiceOperation } from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { invoiceEvent } from '../domain/events';
import {
  type InvoiceId,
  type TxContext,
  buildIssuedInvoice,
  parseInvoiceId,
  parseIssueInputJson,
  parseUpdateInputJson,
} from '../domain/invoice';
import {
  applyLock,
  applyRedFlush,
  applyReimburse,
  applyUnlock,
  applyUpdate,
  applyVoid,
  applyWriteOff,
} from '../domain/lifecycle';
import {
  parseCloseInputJson,
  parseLockInputJson,
  parseRedFlushInputJson,
  parseReimburseInputJson,
  parseUnlockInputJson,
} from '../domain/lifecycle-inputs';
import { atItem, buildImportedBatch, importResult, parseImportBatchJson, parseInvoiceIdsJson } from '../domain/import';
import { authoriseIssuer, authoriseMember } from '../domain/orgs';
import { issuingUnitFor } from '../domain/registry';
import { parseVerificationRequest } from '../domain/verify';
import { InvoiceRepository } from '../ledger/invoice-repository';
import { RegistryRepository } from '../ledger/registry-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

export const INVOICE_CONTRACT_NAME = INVOICE_CONTRACT.name;

function notFound(id: InvoiceId): Error {
  return chaincodeError(ErrorCode.INVOICE_NOT_FOUND, `invoice ${id.code}/${id.number} does not exist`);
}

function txContext(ctx: Context): TxContext {
  const mspId = authoriseMember(ctx.clientIdentity.getMSPID());
  return { mspId, ...currentTransaction(ctx.stub) };
}

async function existing(invoices: InvoiceRepository, id: InvoiceId): Promise<Invoice> {
  const invoice = await invoices.get(id);
  if (invoice === undefined) throw notFound(id);
  return invoice;
}

async function refuseExisting(invoices: InvoiceRepository, id: InvoiceId): Promise<void> {
  if (await invoices.exists(id)) {
    throw chaincodeError(ErrorCode.INVOICE_EXISTS, `invoice ${id.code}/${id.number} was already issued`);
  }
}

/** Refuses the first invoice of a batch already on the ledger, naming its index. */
async function refuseExistingItems(invoices: InvoiceRepository, ids: readonly InvoiceId[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    await refuseExisting(invoices, id).catch((error: unknown) => {
      throw atItem(index, error);
    });
  }
}

/** The caller's registered unit name, provided the code is allocated to the caller. */
async function unitFor(ctx: Context, tx: TxContext, code: string): Promise<string> {
  const profile = await new RegistryRepository(ctx.stub).get(tx.mspId);
  return issuingUnitFor(profile, tx.mspId, code);
}

/** Reads the invoice, applies one operation, stores the result and emits its event. */
async function change(
  ctx: Context,
  operation: InvoiceOperation,
  id: InvoiceId,
  apply: (invoice: Invoice, tx: TxContext) => Invoice,
): Promise<string> {
  const tx = txContext(ctx);
  const invoices = new InvoiceRepository(ctx.stub);
  const next = apply(await existing(invoices, id), tx);
  await invoices.put(next);
  emitEvent(ctx.stub, INVOICE_EVENTS[operation], invoiceEvent(operation, tx, [next]));
  return canonicalJson(next);
}

export class InvoiceContract extends Contract {
  constructor() {
    super(INVOICE_CONTRACT_NAME);
  }

  /** Issues an invoice under a code allocated to the caller's hospital. Returns the stored invoice. */
  @Transaction()
  @Returns('string')
  async Issue(ctx: Context, input: string): Promise<string> {
    const parsed = parseIssueInputJson(input);
    authoriseIssuer(ctx.clientIdentity.getMSPID());
    const tx = txContext(ctx);
    const issuingUnit = await unitFor(ctx, tx, parsed.code);
    const invoices = new InvoiceRepository(ctx.stub);
    await refuseExisting(invoices, parsed);

    const invoice = buildIssuedInvoice(parsed, issuingUnit, tx);
    await invoices.create(invoice);
    emitEvent(ctx.stub, INVOICE_EVENTS.ISSUE, invoiceEvent('ISSUE', tx, [invoice]));
    return canonicalJson(invoice);
  }

  /**
   * A hospital imports up to IMPORT_BATCH_MAX of its historic invoices, each with its original
   * issue time, under the rules of Issue; all or none. Emits one InvoicesImported event.
   */
  @Transaction()
  @Returns('string')
  async ImportBatch(ctx: Context, input: string): Promise<string> {
    const batch = parseImportBatchJson(input);
    authoriseIssuer(ctx.clientIdentity.getMSPID());
    const tx = txContext(ctx);
    const imported = buildImportedBatch(batch, await new RegistryRepository(ctx.stub).get(tx.mspId), tx);
    const invoices = new InvoiceRepository(ctx.stub);
    await refuseExistingItems(invoices, imported);

    for (const invoice of imported) await invoices.create(invoice);
    emitEvent(ctx.stub, INVOICE_EVENTS.IMPORT, invoiceEvent('IMPORT', tx, imported));
    return canonicalJson(importResult(batch, imported, tx));
  }

  /** The issuer corrects the content of an invoice nobody has locked or claimed. */
  @Transaction()
  @Returns('string')
  async Update(ctx: Context, input: string): Promise<string> {
    const parsed = parseUpdateInputJson(input);
    return change(ctx, 'UPDATE', parsed, (invoice, tx) => applyUpdate(invoice, parsed, tx));
  }

  /** A payer locks an amount for a claim, until `ttlSeconds` after the transaction time. */
  @Transaction()
  @Returns('string')
  async Lock(ctx: Context, input: string): Promise<string> {
    const parsed = parseLockInputJson(input);
    return change(ctx, 'LOCK', parsed, (invoice, tx) => applyLock(invoice, parsed, tx));
  }

  /** The lock holder pays out up to the locked amount; the lock is consumed. */
  @Transaction()
  @Returns('string')
  async Reimburse(ctx: Context, input: string): Promise<string> {
    const parsed = parseReimburseInputJson(input);
    return change(ctx, 'REIMBURSE', parsed, (invoice, tx) => applyReimburse(invoice, parsed, tx));
  }

  /** The lock holder releases its lock (the claim was refused). */
  @Transaction()
  @Returns('string')
  async Unlock(ctx: Context, input: string): Promise<string> {
    const parsed = parseUnlockInputJson(input);
    return change(ctx, 'UNLOCK', parsed, (invoice, tx) => applyUnlock(invoice, parsed, tx));
  }

  /** The issuer voids an invoice nobody has claimed. It stays on the ledger, VOIDED. */
  @Transaction()
  @Returns('string')
  async Void(ctx: Context, input: string): Promise<string> {
    const parsed = parseCloseInputJson(input);
    return change(ctx, 'VOID', parsed, (invoice, tx) => applyVoid(invoice, parsed, tx));
  }

  /** A payer that reimbursed closes the invoice for good. */
  @Transaction()
  @Returns('string')
  async WriteOff(ctx: Context, input: string): Promise<string> {
    const parsed = parseCloseInputJson(input);
    return change(ctx, 'WRITE_OFF', parsed, (invoice, tx) => applyWriteOff(invoice, parsed, tx));
  }

  /** The issuer cancels an unclaimed invoice with a linked red invoice. Returns [original, red]. */
  @Transaction()
  @Returns('string')
  async RedFlush(ctx: Context, input: string): Promise<string> {
    const parsed = parseRedFlushInputJson(input);
    const tx = txContext(ctx);
    const invoices = new InvoiceRepository(ctx.stub);
    const invoice = await existing(invoices, parsed);
    const { original, red } = applyRedFlush(invoice, parsed, tx);
    const unit = await unitFor(ctx, tx, red.code);
    await refuseExisting(invoices, red);

    await invoices.put(original);
    await invoices.create({ ...red, issuingUnit: unit });
    const changed = [original, { ...red, issuingUnit: unit }];
    emitEvent(ctx.stub, INVOICE_EVENTS.RED_FLUSH, invoiceEvent('RED_FLUSH', tx, changed));
    return canonicalJson(changed);
  }

  /** Returns the invoice JSON. */
  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, code: string, number: string): Promise<string> {
    const id = parseInvoiceId(code, number);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await existing(new InvoiceRepository(ctx.stub), id));
  }

  /**
   * Returns `{ result: 'authentic'|'tampered'|'unknown', status?, mismatches }`.
   * `pdfDigest` and `dataDigest` may be "" when the verifier has no PDF or data.
   */
  @Transaction(false)
  @Returns('string')
  async Verify(
    ctx: Context,
    code: string,
    number: string,
    checkCodeHash: string,
    pdfDigest: string,
    dataDigest: string,
  ): Promise<string> {
    const id = parseInvoiceId(code, number);
    const request = parseVerificationRequest(checkCodeHash, pdfDigest, dataDigest);
    authoriseMember(ctx.clientIdentity.getMSPID());

    const invoice = await new InvoiceRepository(ctx.stub).get(id);
    return canonicalJson(verdictOn(invoice, request));
  }

  /** Returns, for each of up to IMPORT_BATCH_MAX ids, the invoice or null (reconciliation). */
  @Transaction(false)
  @Returns('string')
  async ReadBatch(ctx: Context, ids: string): Promise<string> {
    const parsed = parseInvoiceIdsJson(ids);
    authoriseMember(ctx.clientIdentity.getMSPID());

    const invoices = new InvoiceRepository(ctx.stub);
    const found: (Invoice | null)[] = [];
    for (const id of parsed) found.push((await invoices.get(id)) ?? null);
    return canonicalJson(found);
  }

  /** Returns every committed version of the invoice, oldest first; each says which operation made it. */
  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, code: string, number: string): Promise<string> {
    const id = parseInvoiceId(code, number);
    authoriseMember(ctx.clientIdentity.getMSPID());

    const entries = await new InvoiceRepository(ctx.stub).history(id);
    if (entries.length === 0) {
      throw notFound(id);
    }
    return canonicalJson(entries);
  }
}
