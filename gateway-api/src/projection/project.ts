/**
 * Turns invoice events into query-model documents. Each document is the invoice as of a revision;
 * a write only replaces an older revision, so replaying events after a restart changes nothing.
 */
import { invoiceEventSchema, type ProjectedInvoice } from './event-schema';
import type { InvoiceViewDoc, InvoiceViewModel } from './model';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar day in China Standard Time (UTC+8, no daylight saving) of an ISO timestamp. */
export function chinaDay(iso: string): string {
  return new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function viewOf(invoice: ProjectedInvoice, blockNumber: number): InvoiceViewDoc {
  return {
    _id: `${invoice.code}/${invoice.number}`,
    code: invoice.code,
    number: invoice.number,
    kind: invoice.kind,
    type: invoice.type,
    issuerMsp: invoice.issuerMsp,
    issuingUnit: invoice.issuingUnit,
    status: invoice.status,
    totalAmount: invoice.totalAmount,
    reimbursableAmount: invoice.reimbursableAmount,
    reimbursedAmount: invoice.reimbursedAmount,
    issuedDay: chinaDay(invoice.issuedAt),
    issuedAt: invoice.issuedAt,
    reimbursements: invoice.reimbursements.map((r) => ({
      payerMsp: r.payerMsp,
      amount: r.amount,
      day: chinaDay(r.at),
    })),
    revision: invoice.revision,
    lastTxId: invoice.lastTxId,
    updatedAt: invoice.updatedAt,
    blockNumber,
  };
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Stores each invoice of the event unless the query model already holds that revision or a newer one. */
export async function applyInvoiceEvent(
  views: InvoiceViewModel,
  payload: Uint8Array,
  blockNumber: number,
): Promise<void> {
  const event = invoiceEventSchema.parse(JSON.parse(Buffer.from(payload).toString('utf8')));
  for (const invoice of event.invoices) {
    const doc = viewOf(invoice, blockNumber);
    try {
      await views.replaceOne({ _id: doc._id, revision: { $lt: doc.revision } }, doc, { upsert: true });
    } catch (error) {
      // The upsert found no older revision and the id exists: this revision or a newer one is stored.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
