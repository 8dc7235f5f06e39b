/**
 * The content of an invoice (its structured data: payer, visit, items, amounts, payment split) as
 * it stands now, after any update, for the billing clerks of the issuing organisation — e.g. to
 * open the update form filled in. It contains the payer's name and ID number, so nobody else reads
 * it here; payers get the PDF with the check code, verifiers compare digests. The copy is decrypted
 * from the off-chain store and served only when its SM3 is the data digest on chain.
 */
import type { InvoiceId } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { InvoiceLedger } from '../../fabric/invoice-ledger';
import { canIssueInvoices, type User } from '../auth/roles';
import { type AnchoredDeps, readAnchoredDocument } from './documents';
import { type InvoiceContent, type InvoiceData, invoiceDataSchema } from './schemas';

export interface ContentDeps extends AnchoredDeps {
  ledger: Pick<InvoiceLedger, 'read'>;
}

/** The stored data is the posted invoice data plus the check code (see `storedData`). */
const storedShape = z.looseObject({ checkCode: z.string() });

/** The invoice's current structured data, checked against the ledger, for a billing clerk of its issuer. */
export async function readInvoiceContent(deps: ContentDeps, user: User, id: InvoiceId): Promise<InvoiceContent> {
  if (!canIssueInvoices(user)) {
    throw new AppError('FORBIDDEN', `only billing clerks of the issuing hospital read an invoice's content`);
  }
  const invoice = await deps.ledger.read(user.mspId, id.code, id.number);
  if (invoice.issuerMsp !== user.mspId) {
    throw new AppError('FORBIDDEN', `only ${invoice.issuerMsp}, which issued it, reads the content of this invoice`);
  }
  if (invoice.kind === 'RED') {
    throw new AppError(
      'INVOICE_STATE_CONFLICT',
      `invoice ${id.code}/${id.number} is a red invoice: its content is the cancellation of its original`,
    );
  }
  const bytes = await readAnchoredDocument(deps, invoice, 'data');
  const data = invoiceDataOf(bytes);
  if (data.code !== id.code || data.number !== id.number) {
    throw new AppError('INTERNAL', `the stored data of invoice ${id.code}/${id.number} names another invoice`);
  }
  return {
    code: id.code,
    number: id.number,
    revision: invoice.revision,
    dataDigest: invoice.dataDigest,
    invoice: data,
  };
}

/** The invoice data in the stored bytes, without the check code. */
function invoiceDataOf(bytes: Uint8Array): InvoiceData {
  let stored: unknown;
  try {
    stored = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new AppError('INTERNAL', 'stored structured data is not JSON', { cause: err });
  }
  const shaped = storedShape.safeParse(stored);
  if (!shaped.success) throw new AppError('INTERNAL', 'stored structured data has no check code');
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the check code is not part of the content
  const { checkCode, ...rest } = shaped.data;
  const parsed = invoiceDataSchema.safeParse(rest);
  if (!parsed.success) throw new AppError('INTERNAL', 'stored structured data is not invoice data');
  return parsed.data;
}
