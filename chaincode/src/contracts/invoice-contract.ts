/**
 * Contract `invoice`: issue, read, verify and trace medical e-invoices.
 * Each transaction: parse arguments -> authorise the caller -> domain rule ->
 * ledger write -> event. Rules live in ../domain, ledger access in ../ledger.
 */
import { INVOICE_CONTRACT, INVOICE_ISSUED_EVENT } from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { invoiceIssuedEvent } from '../domain/events';
import { type InvoiceId, buildIssuedInvoice, parseInvoiceId, parseIssueInputJson } from '../domain/invoice';
import { authoriseIssuer, authoriseMember } from '../domain/orgs';
import { parseVerificationRequest, verifyInvoice } from '../domain/verify';
import { InvoiceRepository } from '../ledger/invoice-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

export const INVOICE_CONTRACT_NAME = INVOICE_CONTRACT.name;

function notFound(id: InvoiceId): Error {
  return chaincodeError(ErrorCode.INVOICE_NOT_FOUND, `invoice ${id.code}/${id.number} does not exist`);
}

export class InvoiceContract extends Contract {
  constructor() {
    super(INVOICE_CONTRACT_NAME);
  }

  /** Issues an invoice. `input` is the JSON of the fields the hospital supplies. Returns the stored invoice. */
  @Transaction()
  @Returns('string')
  async Issue(ctx: Context, input: string): Promise<string> {
    const parsed = parseIssueInputJson(input);
    const issuerMsp = authoriseIssuer(ctx.clientIdentity.getMSPID());

    const invoices = new InvoiceRepository(ctx.stub);
    if (await invoices.exists(parsed)) {
      throw chaincodeError(ErrorCode.INVOICE_EXISTS, `invoice ${parsed.code}/${parsed.number} was already issued`);
    }
    const tx = currentTransaction(ctx.stub);
    const invoice = buildIssuedInvoice(parsed, { issuerMsp, timestamp: tx.timestamp, txId: tx.txId });

    await invoices.put(invoice);
    emitEvent(ctx.stub, INVOICE_ISSUED_EVENT, invoiceIssuedEvent(invoice));
    return canonicalJson(invoice);
  }

  /** Returns the invoice JSON. */
  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, code: string, number: string): Promise<string> {
    const id = parseInvoiceId(code, number);
    authoriseMember(ctx.clientIdentity.getMSPID());

    const invoice = await new InvoiceRepository(ctx.stub).get(id);
    if (invoice === undefined) {
      throw notFound(id);
    }
    return canonicalJson(invoice);
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
    return canonicalJson(verifyInvoice(invoice, request));
  }

  /** Returns every committed version of the invoice, oldest first. */
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
