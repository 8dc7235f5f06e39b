/** Chaincode events: one per operation, carrying every invoice the operation changed. */
import type { Invoice, InvoiceEvent, InvoiceOperation } from '@hdt/vocabulary';
import type { TxContext } from './invoice';

export type { InvoiceEvent } from '@hdt/vocabulary';

export function invoiceEvent(operation: InvoiceOperation, tx: TxContext, invoices: readonly Invoice[]): InvoiceEvent {
  return { operation, txId: tx.txId, timestamp: tx.timestamp, invoices };
}
