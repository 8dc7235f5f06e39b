/** Chaincode events: names (from the vocabulary) and payloads. */
import type { Invoice, InvoiceIssuedEvent } from '@hdt/vocabulary';

export type { InvoiceIssuedEvent } from '@hdt/vocabulary';

export function invoiceIssuedEvent(invoice: Invoice): InvoiceIssuedEvent {
  return { code: invoice.code, number: invoice.number, issuerMsp: invoice.issuerMsp, txId: invoice.lastTxId };
}
