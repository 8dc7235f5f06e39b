/** Typed client of the lifecycle transactions of the `invoice` contract. */
import {
  canonicalJson,
  INVOICE_CONTRACT,
  type CloseInvoiceInput,
  type InvoiceTransaction,
  type LockInvoiceInput,
  type ReimburseInvoiceInput,
  type UnlockInvoiceInput,
  type UpdateInvoiceInput,
} from '@hdt/vocabulary';
import { onChainInvoiceSchema, type OnChainInvoice } from './invoice-ledger';
import type { Committed, LedgerClient } from './ledger-client';

export type LifecycleTransaction = Extract<
  InvoiceTransaction,
  'Update' | 'Lock' | 'Reimburse' | 'Unlock' | 'Void' | 'WriteOff'
>;

export type LifecycleInput<T extends LifecycleTransaction> = T extends 'Update'
  ? UpdateInvoiceInput
  : T extends 'Lock'
    ? LockInvoiceInput
    : T extends 'Reimburse'
      ? ReimburseInvoiceInput
      : T extends 'Unlock'
        ? UnlockInvoiceInput
        : CloseInvoiceInput;

export interface LifecycleLedger {
  /** Submits one lifecycle operation as `mspId`; resolves with the invoice as committed. */
  apply<T extends LifecycleTransaction>(
    mspId: string,
    transaction: T,
    input: LifecycleInput<T>,
  ): Promise<{ invoice: OnChainInvoice; txId: string }>;
}

export class FabricLifecycleLedger implements LifecycleLedger {
  constructor(private readonly ledger: LedgerClient) {}

  async apply<T extends LifecycleTransaction>(
    mspId: string,
    transaction: T,
    input: LifecycleInput<T>,
  ): Promise<{ invoice: OnChainInvoice; txId: string }> {
    const call = { contract: INVOICE_CONTRACT.name, transaction, args: [canonicalJson(input)] };
    // An earlier attempt whose outcome was unknown landed if it made the invoice's current version.
    const landed = async (caller: string, txIds: readonly string[]): Promise<Committed<OnChainInvoice> | undefined> => {
      const read = { contract: INVOICE_CONTRACT.name, transaction: 'Read', args: [input.code, input.number] };
      const invoice = await this.ledger.evaluate(caller, read, onChainInvoiceSchema);
      return txIds.includes(invoice.lastTxId) ? { result: invoice, txId: invoice.lastTxId } : undefined;
    };
    const committed = await this.ledger.submit(mspId, call, onChainInvoiceSchema, landed);
    return { invoice: committed.result, txId: committed.txId };
  }
}
