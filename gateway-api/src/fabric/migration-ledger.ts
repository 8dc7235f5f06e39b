/** Typed client of the bulk-import transactions of the `invoice` contract. */
import {
  canonicalJson,
  INVOICE_CONTRACT,
  type ImportBatchInput,
  type ImportBatchResult,
  type InvoiceId,
  type InvoiceTransaction,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { onChainInvoiceSchema, type OnChainInvoice } from './invoice-ledger';
import type { Committed, LedgerClient } from './ledger-client';

const importResultSchema = z.object({
  batchId: z.string(),
  issuerMsp: z.string(),
  issuingUnit: z.string(),
  count: z.number().int().min(1),
}) satisfies z.ZodType<ImportBatchResult>;

export interface MigrationLedger {
  /** Submits one batch as `mspId`; resolves once it is committed. */
  importBatch(mspId: string, input: ImportBatchInput): Promise<Committed<ImportBatchResult>>;
  /** Each invoice or null, in the order of `ids` (at most IMPORT_BATCH_MAX). */
  readBatch(mspId: string, ids: readonly InvoiceId[]): Promise<(OnChainInvoice | null)[]>;
}

function call(transaction: InvoiceTransaction, args: readonly string[]) {
  return { contract: INVOICE_CONTRACT.name, transaction, args };
}

export class FabricMigrationLedger implements MigrationLedger {
  constructor(private readonly ledger: LedgerClient) {}

  importBatch(mspId: string, input: ImportBatchInput): Promise<Committed<ImportBatchResult>> {
    // An earlier attempt whose outcome was unknown landed if its first invoice carries this batch id.
    const landed = async (
      caller: string,
      txIds: readonly string[],
    ): Promise<Committed<ImportBatchResult> | undefined> => {
      const first = input.invoices[0];
      if (first === undefined) return undefined;
      const [invoice] = await this.readBatch(caller, [first]);
      if (invoice?.migration?.batchId !== input.batchId || !txIds.includes(invoice.lastTxId)) return undefined;
      const result = { batchId: input.batchId, issuerMsp: invoice.issuerMsp, issuingUnit: invoice.issuingUnit };
      return { result: { ...result, count: input.invoices.length }, txId: invoice.lastTxId };
    };
    return this.ledger.submit(mspId, call('ImportBatch', [canonicalJson(input)]), importResultSchema, landed);
  }

  readBatch(mspId: string, ids: readonly InvoiceId[]): Promise<(OnChainInvoice | null)[]> {
    const args = [canonicalJson(ids.map((id) => ({ code: id.code, number: id.number })))];
    return this.ledger.evaluate(mspId, call('ReadBatch', args), z.array(onChainInvoiceSchema.nullable()));
  }
}
