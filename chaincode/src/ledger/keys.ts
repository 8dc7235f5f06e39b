/** Composite key builders: one object type per kind of state. */
import type { InvoiceId } from '../domain/invoice';
import type { LedgerStub } from './stub';

export const INVOICE_OBJECT_TYPE = 'invoice';

/** `invoice` [code, number] */
export function invoiceKey(stub: Pick<LedgerStub, 'createCompositeKey'>, id: InvoiceId): string {
  return stub.createCompositeKey(INVOICE_OBJECT_TYPE, [id.code, id.number]);
}
