/** The part of an invoice event the projection reads, checked before anything is stored. */
import { INVOICE_OPERATIONS } from '@hdt/vocabulary';
import { z } from 'zod';
import { invoiceViewSchema } from '../modules/invoices/view';

export const projectedInvoiceSchema = invoiceViewSchema.pick({
  code: true,
  number: true,
  kind: true,
  type: true,
  issuerMsp: true,
  issuingUnit: true,
  status: true,
  totalAmount: true,
  reimbursableAmount: true,
  reimbursedAmount: true,
  issuedAt: true,
  reimbursements: true,
  revision: true,
  lastTxId: true,
  updatedAt: true,
});
export type ProjectedInvoice = z.infer<typeof projectedInvoiceSchema>;

export const invoiceEventSchema = z.object({
  operation: z.enum(INVOICE_OPERATIONS),
  txId: z.string(),
  timestamp: z.string(),
  invoices: z.array(projectedInvoiceSchema).min(1),
});
