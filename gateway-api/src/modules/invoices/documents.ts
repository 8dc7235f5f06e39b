/**
 * The two documents of an invoice write — its structured data and its PDF — stored encrypted
 * under fresh data keys before the ledger anchors them, and discarded again when the ledger
 * refuses the write, so that nothing is left that no record refers to. Red-flush and update store
 * this way; issuing stores the same documents step by step in its saga and compensates alike.
 */
import { randomUUID } from 'node:crypto';
import { sm3Hex } from '@hdt/offchain-store';
import type { InvoiceId } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import { describe, type Logger } from '../../logger';
import type { DocumentFiles, StoredDocument } from '../../ports';
import { DEFINITELY_NOT_WRITTEN } from './new-invoice';
import { fromStorageError } from './storage-errors';

export interface InvoiceDocuments {
  data: StoredDocument;
  pdf: StoredDocument;
}

export interface DocumentsDeps {
  files: DocumentFiles;
  logger: Logger;
}

/**
 * Stores the structured data and the PDF under `invoice/{code}/{number}/{uuid}`; when a step
 * fails, what was stored already is discarded. `what` names the invoice in errors and logs.
 */
export async function storeDocuments(
  deps: DocumentsDeps,
  id: InvoiceId,
  bytes: { data: Uint8Array; pdf: Uint8Array },
  what: string,
): Promise<InvoiceDocuments> {
  const base = `invoice/${id.code}/${id.number}/${randomUUID()}`;
  const stored: StoredDocument[] = [];
  try {
    const data = await deps.files.putDocument(`${base}/data`, bytes.data);
    stored.push(data);
    const pdf = await deps.files.putDocument(`${base}/pdf`, bytes.pdf);
    stored.push(pdf);
    if (pdf.sm3 !== sm3Hex(bytes.pdf))
      throw new AppError('INTERNAL', 'stored PDF digest differs from the uploaded PDF');
    return { data, pdf };
  } catch (err) {
    await discardDocuments(deps, stored, what);
    throw fromStorageError(err, `storing ${what}`);
  }
}

/** Submits the ledger write anchoring `docs`; when the ledger certainly did not write it, discards them. */
export async function anchorDocuments<T>(
  deps: DocumentsDeps,
  docs: InvoiceDocuments,
  what: string,
  submit: () => Promise<T>,
): Promise<T> {
  try {
    return await submit();
  } catch (err) {
    if (err instanceof AppError && (DEFINITELY_NOT_WRITTEN.has(err.code) || err.status === 409)) {
      await discardDocuments(deps, [docs.data, docs.pdf], what);
    }
    throw err;
  }
}

/** Destroys the data keys of documents nothing refers to and unpins them; a failure is logged, not thrown. */
export async function discardDocuments(
  deps: DocumentsDeps,
  docs: readonly (StoredDocument | undefined)[],
  what: string,
): Promise<void> {
  for (const doc of docs) {
    if (doc === undefined) continue;
    await deps.files.discardDocument(doc.keyId, doc.cid).catch((err: unknown) => {
      deps.logger.warn(`could not discard a document of ${what}`, { keyId: doc.keyId, error: describe(err) });
    });
  }
}
