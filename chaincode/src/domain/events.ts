/** Chaincode events: names and payloads. */
import type { Invoice } from './invoice';

export const INVOICE_ISSUED_EVENT = 'InvoiceIssued';

export interface InvoiceIssuedEvent {
  readonly code: string;
  readonly number: string;
  readonly issuerMsp: string;
  readonly txId: string;
}

export function invoiceIssuedEvent(invoice: Invoice): InvoiceIssuedEvent {
  return { code: invoice.code, number: invoice.number, issuerMsp: invoice.issuerMsp, txId: invoice.lastTxId };
}
