/**
 * What a reader gets once an access is allowed and recorded: the content decrypted under its data
 * key (checked against the digest on chain when decided), only the granted fields, and the
 * attachment as a watermarked PDF when `attachment` was granted. ALL_FIELDS (never in a ledger's
 * ruling; a resident sharing their own record) releases every named field.
 */
import { ALL_FIELDS, ATTACHMENT_FIELD, type AccessRuling } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DocumentFiles } from '../../ports';
import { fromStorageError } from '../invoices/storage-errors';
import type { RecordContents, StoredContent } from './stores';
import { watermark } from './watermark';

const contentShape = z.object({
  recordId: z.string(),
  fields: z.record(z.string(), z.unknown()),
  attachment: z.object({ contentType: z.string(), sm3: z.string(), size: z.number() }).nullable(),
});

export interface Released {
  fields: Record<string, unknown>;
  missingFields: string[];
  attachment: { contentType: 'application/pdf'; dataBase64: string } | null;
}

const offchainCode = z.object({ code: z.string() });

/** A sealed part that does not open, or opens to other content than the chain's digest names. */
async function open(files: DocumentFiles, part: { keyId: string; cid: string }, digest: string, what: string) {
  try {
    return await files.getDocument(part.keyId, part.cid, digest);
  } catch (err) {
    const code = offchainCode.safeParse(err).data?.code;
    if (code === 'DIGEST_MISMATCH' || code === 'TAMPERED_CIPHERTEXT') {
      throw new AppError('CONTENT_DIGEST_MISMATCH', `${what} does not have the SM3 digest on chain ${digest}`);
    }
    throw fromStorageError(err, `reading ${what}`);
  }
}

/** The value at a dotted path, or undefined. */
function valueAt(fields: Record<string, unknown>, path: string): unknown {
  let node: unknown = fields;
  for (const segment of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = Object.prototype.hasOwnProperty.call(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node;
}

function pick(fields: Record<string, unknown>, granted: readonly string[]) {
  if (granted.includes(ALL_FIELDS)) return { fields: { ...fields }, missingFields: [] };
  const out: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const path of granted.filter((field) => field !== ATTACHMENT_FIELD && field !== ALL_FIELDS)) {
    const value = valueAt(fields, path);
    if (value === undefined) missing.push(path);
    else out[path] = value;
  }
  return { fields: out, missingFields: missing };
}

export async function release(
  files: DocumentFiles,
  contents: RecordContents,
  ruling: Pick<AccessRuling, 'recordId' | 'digest' | 'fields'>,
  mark: string,
): Promise<Released> {
  const stored: StoredContent | undefined = await contents.get(ruling.recordId);
  if (stored === undefined) throw new AppError('CONTENT_NOT_STORED', `record ${ruling.recordId} has no stored content`);
  const plain = await open(files, stored.document, ruling.digest, `the content of record ${ruling.recordId}`);
  const parsed = contentShape.safeParse(JSON.parse(Buffer.from(plain).toString('utf8')));
  if (!parsed.success) throw new AppError('INTERNAL', `the content of record ${ruling.recordId} has another shape`);
  const picked = pick(parsed.data.fields, ruling.fields);
  const ref = parsed.data.attachment;
  if (!ruling.fields.includes(ATTACHMENT_FIELD) || ref === null || stored.attachment === null) {
    if (ruling.fields.includes(ATTACHMENT_FIELD) && ref === null) picked.missingFields.push(ATTACHMENT_FIELD);
    return { ...picked, attachment: null };
  }
  const bytes = await open(files, stored.attachment, ref.sm3, `the attachment of record ${ruling.recordId}`);
  const marked = await watermark(bytes, ref.contentType, mark);
  return {
    ...picked,
    attachment: { contentType: 'application/pdf', dataBase64: Buffer.from(marked).toString('base64') },
  };
}
