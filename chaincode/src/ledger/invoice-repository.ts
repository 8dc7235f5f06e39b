/** Typed access to invoices on the ledger. */
import type { InvoiceHistoryEntry } from '@hdt/vocabulary';
import { ChaincodeError, ErrorCode, chaincodeError } from '../domain/errors';
import { type Invoice, type InvoiceId, parseStoredInvoice } from '../domain/invoice';
import { invoiceEndorsementPolicy } from './endorsement';
import { invoiceKey } from './keys';
import { decodeState, encodeState } from './serialise';
import type { LedgerStub } from './stub';
import { timestampToIso } from './timestamp';

export type { InvoiceHistoryEntry } from '@hdt/vocabulary';

function label(id: InvoiceId): string {
  return `invoice ${id.code}/${id.number}`;
}

/** Decodes and checks stored bytes; a malformed value is the ledger's fault, not the caller's. */
function readInvoice(bytes: Uint8Array, id: InvoiceId, where: string): Invoice {
  const what = `${label(id)} ${where}`;
  let invoice: Invoice;
  try {
    invoice = parseStoredInvoice(decodeState(bytes, what));
  } catch (error) {
    if (error instanceof ChaincodeError && error.code === ErrorCode.INVALID_ARGUMENT) {
      throw chaincodeError(ErrorCode.INTERNAL, `${what} is malformed: ${error.detail}`);
    }
    throw error;
  }
  if (invoice.code !== id.code || invoice.number !== id.number) {
    throw chaincodeError(ErrorCode.INTERNAL, `${what} holds invoice ${invoice.code}/${invoice.number}`);
  }
  return invoice;
}

export class InvoiceRepository {
  constructor(private readonly stub: LedgerStub) {}

  async get(id: InvoiceId): Promise<Invoice | undefined> {
    const bytes = await this.stub.getState(invoiceKey(this.stub, id));
    if (bytes === undefined || bytes.length === 0) {
      return undefined;
    }
    return readInvoice(bytes, id, 'state');
  }

  async exists(id: InvoiceId): Promise<boolean> {
    const bytes = await this.stub.getState(invoiceKey(this.stub, id));
    return bytes !== undefined && bytes.length > 0;
  }

  async put(invoice: Invoice): Promise<void> {
    await this.stub.putState(invoiceKey(this.stub, invoice), encodeState(invoice));
  }

  /** Stores a new invoice and binds its key to the issuer's and the oversight peers' endorsement. */
  async create(invoice: Invoice): Promise<void> {
    const key = invoiceKey(this.stub, invoice);
    await this.stub.putState(key, encodeState(invoice));
    await this.stub.setStateValidationParameter(key, invoiceEndorsementPolicy(invoice.issuerMsp));
  }

  /**
   * Every committed version of the invoice, oldest first. Fabric 2.x returns
   * history newest first (by block and transaction height), so the entries are reversed.
   */
  async history(id: InvoiceId): Promise<InvoiceHistoryEntry[]> {
    const newestFirst: InvoiceHistoryEntry[] = [];
    for await (const modification of this.stub.getHistoryForKey(invoiceKey(this.stub, id))) {
      const deleted = modification.isDelete === true;
      newestFirst.push({
        txId: modification.txId,
        timestamp: timestampToIso(modification.timestamp),
        isDelete: deleted,
        value: deleted ? null : readInvoice(modification.value, id, `history entry ${modification.txId}`),
      });
    }
    return newestFirst.reverse();
  }
}
