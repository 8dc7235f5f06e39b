/**
 * A record's content off chain: a hospital stores the named fields (and optionally a PDF or an
 * image) of a record it indexed; each part is sealed under a data key of its own (SM4 + HMAC-SM3),
 * only ciphertext reaches IPFS, and the SM3 of the content document must be the index's digest.
 */
import { sm3Hex } from '@hdt/offchain-store';
import {
  canonicalJson,
  CanonicalJsonError,
  mayIssueInvoices,
  type RecordAttachmentRef,
  type RecordAttachmentType,
  type RecordContentDocument,
} from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { DocumentFiles } from '../../ports';
import type { User } from '../auth/roles';
import { fromStorageError } from '../invoices/storage-errors';
import type { StoreContentBody, StoredContentView } from './schemas';
import type { RecordContents, SealedAttachment, StoredContent } from './stores';
import { checkMarkable } from './watermark';

/** What the content store needs of the record index: the record's digest and source. */
export interface RecordIndexReader {
  read(mspId: string, recordId: string): Promise<{ digest: string; sourceOrg: string; patientId: string }>;
}

export interface ContentServiceDeps {
  records: RecordIndexReader;
  files: DocumentFiles;
  contents: RecordContents;
  logger: Logger;
}

const WRITER_ROLES: readonly string[] = ['doctor', 'billing_clerk'];

/** The content document's exact text: its SM3 is what the index's digest must be. */
export function contentText(document: RecordContentDocument): string {
  try {
    return canonicalJson(document);
  } catch (err) {
    if (err instanceof CanonicalJsonError)
      throw new AppError('VALIDATION', `fields: ${err.message.replace(/^\$\.fields\.?/, '')}`);
    throw err;
  }
}

async function attachmentOf(body: StoreContentBody): Promise<{ bytes: Buffer; ref: RecordAttachmentRef } | null> {
  if (body.attachment === undefined) return null;
  const bytes = Buffer.from(body.attachment.dataBase64, 'base64');
  const contentType: RecordAttachmentType = body.attachment.contentType;
  try {
    await checkMarkable(bytes, contentType);
  } catch {
    throw new AppError('VALIDATION', `attachment.dataBase64: not a readable ${contentType} document`);
  }
  return { bytes, ref: { contentType, sm3: sm3Hex(bytes), size: bytes.length } };
}

export class ContentService {
  constructor(private readonly deps: ContentServiceDeps) {}

  async store(user: User, recordId: string, body: StoreContentBody): Promise<StoredContentView> {
    if (!WRITER_ROLES.includes(user.role) || !mayIssueInvoices(user.mspId)) {
      throw new AppError('FORBIDDEN', "only a doctor or billing clerk of the record's hospital stores its content");
    }
    const record = await this.deps.records.read(user.mspId, recordId);
    if (record.sourceOrg !== user.mspId) {
      throw new AppError('FORBIDDEN', `record ${recordId} was indexed by ${record.sourceOrg}, not by ${user.mspId}`);
    }
    const attachment = await attachmentOf(body);
    const text = contentText({ recordId, fields: body.fields, attachment: attachment?.ref ?? null });
    const digest = sm3Hex(text);
    if (digest !== record.digest) {
      throw new AppError(
        'CONTENT_DIGEST_MISMATCH',
        `the content's SM3 is ${digest}, the index on chain holds ${record.digest}`,
      );
    }
    const stored = await this.seal(user, recordId, digest, text, attachment);
    return {
      recordId,
      digest,
      pointer: `ipfs:${stored.document.cid}`,
      size: stored.document.size,
      attachment: attachment?.ref ?? null,
    };
  }

  private async seal(
    user: User,
    recordId: string,
    digest: string,
    text: string,
    attachment: { bytes: Buffer; ref: RecordAttachmentRef } | null,
  ): Promise<StoredContent> {
    const { files } = this.deps;
    try {
      const sealedAttachment: SealedAttachment | null =
        attachment === null
          ? null
          : {
              ...(await files.putDocument(`${recordId}/attachment`, attachment.bytes)),
              contentType: attachment.ref.contentType,
            };
      const document = await files.putDocument(recordId, Buffer.from(text, 'utf8'));
      const content = {
        recordId,
        digest,
        document,
        attachment: sealedAttachment,
        storedBy: user.username,
        storedAt: new Date(),
      };
      const previous = await this.deps.contents.put(content);
      if (previous !== undefined) await this.discard(previous);
      return content;
    } catch (err) {
      throw fromStorageError(err, `storing the content of record ${recordId}`);
    }
  }

  /** The replaced copy is unreadable from now on (its keys destroyed, its ciphertext unpinned). */
  private async discard(previous: StoredContent): Promise<void> {
    const parts = [previous.document, ...(previous.attachment === null ? [] : [previous.attachment])];
    for (const part of parts) {
      await this.deps.files.discardDocument(part.keyId, part.cid).catch((err: unknown) => {
        this.deps.logger.warn('could not discard a replaced record content', {
          recordId: previous.recordId,
          error: String(err),
        });
      });
    }
  }
}
