/** Typed client of the lifecycle transactions of the `invoice` contract. */
import {
  canonicalJson,
  INVOICE_CONTRACT,
  type CloseInvoiceInput,
  type InvoiceId,
  type InvoiceTransaction,
  type LockInvoiceInput,
  type ReimburseInvoiceInput,
  type UnlockInvoiceInput,
  type UpdateInvoiceInput,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { historyEntrySchema, onChainInvoiceSchema, type OnChainInvoice } from './invoice-ledger';
import type { Attempts, Committed, LedgerClient } from './ledger-client';

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
  /**
   * Submits one lifecycle operation as `mspId`; resolves with the invoice as committed. With
   * `attempts`, an earlier transaction of the same request that landed answers instead.
   */
  apply<T extends LifecycleTransaction>(
    mspId: string,
    transaction: T,
    input: LifecycleInput<T>,
    attempts?: Attempts,
  ): Promise<{ invoice: OnChainInvoice; txId: string }>;
  /**
   * The first of `txIds` found in the invoice's history, with the invoice as that transaction left
   * it; undefined when none of them committed.
   */
  committed(mspId: string, id: InvoiceId, txIds: readonly string[]): Promise<Committed<OnChainInvoice> | undefined>;
}

export class FabricLifecycleLedger implements LifecycleLedger {
  constructor(private readonly ledger: LedgerClient) {}

  async apply<T extends LifecycleTransaction>(
    mspId: string,
    transaction: T,
    input: LifecycleInput<T>,
    attempts?: Attempts,
  ): Promise<{ invoice: OnChainInvoice; txId: string }> {
    const call = { contract: INVOICE_CONTRACT.name, transaction, args: [canonicalJson(input)] };
    // An earlier attempt whose outcome was unknown landed if the invoice's history holds it, even
    // when later operations followed.
    const landed = (caller: string, txIds: readonly string[]) => this.committed(caller, input, txIds);
    const committed = await this.ledger.submit(mspId, call, onChainInvoiceSchema, landed, attempts);
    return { invoice: committed.result, txId: committed.txId };
  }

  async committed(
    mspId: string,
    id: InvoiceId,
    txIds: readonly string[],
  ): Promise<Committed<OnChainInvoice> | undefined> {
    if (txIds.length === 0) return undefined;
    const read = { contract: INVOICE_CONTRACT.name, transaction: 'History', args: [id.code, id.number] };
    const history = await this.ledger.evaluate(mspId, read, z.array(historyEntrySchema));
    const entry = history.find((e) => txIds.includes(e.txId) && e.value !== null);
    return entry?.value == null ? undefined : { result: entry.value, txId: entry.txId };
  }
}
