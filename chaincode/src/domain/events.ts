/** Chaincode events: one per operation, carrying every invoice, grant or key the operation changed. */
import type {
  ConsentEvent,
  ConsentGrant,
  ConsentOperation,
  Invoice,
  InvoiceEvent,
  InvoiceOperation,
  ResidentKey,
  ResidentKeyEvent,
  ResidentKeyOperation,
} from '@hdt/vocabulary';
import type { TxContext } from './invoice';

export type { InvoiceEvent } from '@hdt/vocabulary';

export function invoiceEvent(operation: InvoiceOperation, tx: TxContext, invoices: readonly Invoice[]): InvoiceEvent {
  return { operation, txId: tx.txId, timestamp: tx.timestamp, invoices };
}

export function consentEvent(
  operation: ConsentOperation,
  tx: Pick<TxContext, 'txId' | 'timestamp'>,
  grants: readonly ConsentGrant[],
): ConsentEvent {
  return { operation, txId: tx.txId, timestamp: tx.timestamp, grants };
}

export function residentKeyEvent(
  operation: ResidentKeyOperation,
  tx: Pick<TxContext, 'txId' | 'timestamp'>,
  key: ResidentKey,
): ResidentKeyEvent {
  return { operation, txId: tx.txId, timestamp: tx.timestamp, key };
}
