/**
 * What the API shows of an invoice: everything the ledger holds except the check code's
 * protection (salt, iteration count, hash). Those serve only to verify a check code, which the
 * gateway does itself; a client never needs them, and with them a guess could be checked offline.
 */
import { z } from 'zod';
import { onChainInvoiceSchema, type HistoryEntry, type OnChainInvoice } from '../../fabric/invoice-ledger';

export const invoiceViewSchema = onChainInvoiceSchema.omit({
  checkCodeSalt: true,
  checkCodeIterations: true,
  checkCodeHash: true,
});
export type InvoiceView = z.infer<typeof invoiceViewSchema>;

/** The answer of a lifecycle operation or an update: the invoice as committed, and the transaction id. */
export const lifecycleResultSchema = z.object({ invoice: invoiceViewSchema, txId: z.string() });
export type LifecycleResult = z.infer<typeof lifecycleResultSchema>;

export const historyEntryViewSchema = z.object({
  txId: z.string(),
  timestamp: z.string(),
  isDelete: z.boolean(),
  value: invoiceViewSchema.nullable(),
});
export type HistoryEntryView = z.infer<typeof historyEntryViewSchema>;

export function toInvoiceView(invoice: OnChainInvoice): InvoiceView {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the check code's protection is left out
  const { checkCodeSalt, checkCodeIterations, checkCodeHash, ...view } = invoice;
  return view;
}

export function toHistoryView(entries: readonly HistoryEntry[]): HistoryEntryView[] {
  return entries.map((entry) => ({ ...entry, value: entry.value === null ? null : toInvoiceView(entry.value) }));
}
