/**
 * The two documents of an invoice write — its structured data and its PDF — stored encrypted
 * under fresh data keys before the ledger anchors them, and discarded again when the ledger
 * refuses the write, so that nothing is left that no record refers to. Red-flush and update store
 * this way; issuing stores the same documents step by step in its saga and compensates alike.
 */
import { randomUUID } from 'node:crypto';
import { sm3Hex } from '@hdt/offchain-store';
import type { InvoiceId } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import { describe, type Logger } from '../../logger';
import type { DocumentFiles, StoredDocument } from '../../ports';
import { DEFINITELY_NOT_WRITTEN } from './new-invoice';
import type { InvoiceRecords } from './records';
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

export interface AnchoredDeps {
  records: Pick<InvoiceRecords, 'find'>;
  files: Pick<DocumentFiles, 'getDocument'>;
}

const offchainCode = z.object({ code: z.string() });

/**
 * Decrypts the invoice's PDF or structured data from the off-chain copy this platform holds: the
 * record must point at the content address on chain, and the plaintext must have the SM3 digest on
 * chain. A copy that is not what the ledger anchors is never returned (409 CONTENT_DIGEST_MISMATCH).
 */
export async function readAnchoredDocument(
  deps: AnchoredDeps,
  invoice: OnChainInvoice,
  which: 'pdf' | 'data',
): Promise<Uint8Array> {
  const what = `${which === 'pdf' ? 'the PDF' : 'the structured data'} of invoice ${invoice.code}/${invoice.number}`;
  const anchored =
    which === 'pdf'
      ? { cid: invoice.pdfCid, sm3: invoice.pdfDigest }
      : { cid: invoice.dataCid, sm3: invoice.dataDigest };
  const record = await deps.records.find(invoice.code, invoice.number).catch((err: unknown) => {
    throw fromStorageError(err, 'reading the invoice record');
  });
  if (!record) throw new AppError('NOT_FOUND', `${what} is not held by this platform`);
  const ref = record[which];
  if (ref.cid !== anchored.cid) {
    throw new AppError(
      'CONTENT_DIGEST_MISMATCH',
      `the off-chain record of ${what} points at other content than the ledger`,
    );
  }
  const bytes = await deps.files.getDocument(ref.keyId, ref.cid, anchored.sm3).catch((err: unknown) => {
    const code = offchainCode.safeParse(err).data?.code;
    if (code === 'DIGEST_MISMATCH' || code === 'TAMPERED_CIPHERTEXT') throw mismatch(what, anchored.sm3);
    throw fromStorageError(err, `reading ${what}`);
  });
  if (sm3Hex(bytes) !== anchored.sm3) throw mismatch(what, anchored.sm3);
  return bytes;
}

function mismatch(what: string, digest: string): AppError {
  return new AppError(
    'CONTENT_DIGEST_MISMATCH',
    `the stored copy of ${what} does not have the SM3 digest on chain ${digest}`,
  );
}
