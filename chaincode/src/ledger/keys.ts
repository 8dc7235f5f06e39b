/** Composite key builders: one object type per kind of state. */
import type { InvoiceId } from '../domain/invoice';
import type { LedgerStub } from './stub';

export const INVOICE_OBJECT_TYPE = 'invoice';

/** `invoice` [code, number] */
export function invoiceKey(stub: Pick<LedgerStub, 'createCompositeKey'>, id: InvoiceId): string {
  return stub.createCompositeKey(INVOICE_OBJECT_TYPE, [id.code, id.number]);
}

export const ORG_OBJECT_TYPE = 'org';

/** `org` [mspId]: the registry profile of a member. */
export function orgKey(stub: Pick<LedgerStub, 'createCompositeKey'>, mspId: string): string {
  return stub.createCompositeKey(ORG_OBJECT_TYPE, [mspId]);
}
