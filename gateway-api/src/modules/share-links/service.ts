/**
 * Share links: a resident shares one of their records through an encrypted, expiring link. The
 * chosen fields are released from the record's sealed content (checked against the digest on
 * chain), sealed under a fresh 32-byte key (SM4-CBC + HMAC-SM3, the off-chain envelope), and only
 * the sealed bytes are kept: the key goes into the link's fragment, which browsers never send. Every
 * open, served or refused, is logged as an access to the resident's record before anything is
 * answered.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sealEnvelope } from '@hdt/offchain-store';
import {
  ALL_FIELDS,
  ATTACHMENT_FIELD,
  SHARE_LINK_BASIS,
  SHARE_LINK_PURPOSE,
  type HealthRecordType,
  type RecordStatus,
  type ShareLinkStatus,
} from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { DocumentFiles } from '../../ports';
import { release } from '../access/release';
import type { AccessEntry } from '../access/schemas';
import type { AccessLog, RecordContents } from '../access/stores';
import type { User } from '../auth/roles';
import type { CreateShareLinkBody, CreatedShareLinkView, ShareContentView, ShareLinkView } from './schemas';
import type { ShareLinkStore, StoredShareLink } from './store';

/** What sharing needs of the record index: the record's resident, type, digest and status. */
export interface ShareRecordReader {
  read(
    mspId: string,
    recordId: string,
  ): Promise<{ patientId: string; type: HealthRecordType; digest: string; status: RecordStatus }>;
}

export interface ShareLinkServiceDeps {
  records: ShareRecordReader;
  files: DocumentFiles;
  contents: RecordContents;
  log: AccessLog;
  links: ShareLinkStore;
  logger: Logger;
  /** Told of every new access record, so it is anchored without waiting for the next round. */
  anchoring?: { nudge(): void };
  /** The organisation whose identity reads the record index when a link is opened. */
  readAs: string;
  clock?: () => Date;
  newId?: () => string;
}

export const SHARE_PAGE = '/app/share.html';
/** Who opened a link, as the access log names them: whoever holds the link. */
export const SHARE_LINK_ACTOR = 'share-link';
const DEFAULT_LIST_LIMIT = 50;

function residentOf(user: User): string {
  if (user.role !== 'resident' || user.residentId === undefined) {
    throw new AppError('FORBIDDEN', `only residents share their records (${user.role})`);
  }
  return user.residentId;
}

export function statusOf(link: Pick<StoredShareLink, 'withdrawnAt' | 'expiresAt'>, now: Date): ShareLinkStatus {
  if (link.withdrawnAt !== null) return 'WITHDRAWN';
  return now.getTime() >= link.expiresAt.getTime() ? 'EXPIRED' : 'ACTIVE';
}

function viewOf(link: StoredShareLink, now: Date): ShareLinkView {
  return {
    linkId: link.linkId,
    recordId: link.recordId,
    recordType: link.recordType,
    fields: [...link.fields],
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt.toISOString(),
    withdrawnAt: link.withdrawnAt?.toISOString() ?? null,
    status: statusOf(link, now),
    opens: link.opens,
  };
}

/** Why an open is refused: the link's own state first, then its record's. */
export type OpenRefusal = 'SHARE_LINK_EXPIRED' | 'SHARE_LINK_WITHDRAWN' | 'RECORD_RETRACTED';

function refusalOf(status: ShareLinkStatus, retracted: boolean): OpenRefusal | null {
  if (status === 'EXPIRED') return 'SHARE_LINK_EXPIRED';
  if (status === 'WITHDRAWN') return 'SHARE_LINK_WITHDRAWN';
  return retracted ? 'RECORD_RETRACTED' : null;
}

/** The access record of one open of a link. */
export function openEntry(link: StoredShareLink, accessId: string, at: Date, refusal: OpenRefusal | null): AccessEntry {
  const allowed = refusal === null;
  return {
    accessId,
    at: at.toISOString(),
    username: `${SHARE_LINK_ACTOR}:${link.linkId}`,
    displayName: 'Share link holder',
    mspId: SHARE_LINK_ACTOR,
    institution: 'Share link',
    role: SHARE_LINK_ACTOR,
    department: null,
    residentId: link.residentId,
    recordId: link.recordId,
    recordType: link.recordType,
    purpose: SHARE_LINK_PURPOSE,
    requestedFields: [...link.fields],
    fields: allowed ? [...link.fields] : [],
    withheldFields: allowed ? [] : [...link.fields],
    outcome: allowed ? 'ALLOWED' : 'REFUSED',
    reason: refusal,
    basis: SHARE_LINK_BASIS,
    grantId: null,
    breakGlass: false,
    breakGlassReason: null,
    decisionTxId: null,
  };
}

export class ShareLinkService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: ShareLinkServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** The signed-in resident shares the chosen fields of one of their own records. */
  async create(user: User, body: CreateShareLinkBody): Promise<CreatedShareLinkView> {
    const residentId = residentOf(user);
    const index = await this.deps.records.read(user.mspId, body.recordId);
    if (index.patientId !== residentId) {
      throw new AppError('RECORD_NOT_FOUND', `recordId: the signed-in resident has no record ${body.recordId}`);
    }
    if (index.status === 'RETRACTED') {
      throw new AppError('RECORD_RETRACTED', `recordId: record ${body.recordId} was retracted by its source`);
    }
    const now = this.clock();
    const link: StoredShareLink = {
      linkId: this.newId(),
      residentId,
      recordId: body.recordId,
      recordType: index.type,
      fields: [...body.fields],
      createdAt: now,
      expiresAt: new Date(now.getTime() + body.expiresInMinutes * 60_000),
      withdrawnAt: null,
      sealed: null,
      opens: 0,
    };
    const key = randomBytes(32);
    link.sealed = sealEnvelope(await this.plaintext(link, index.digest), key);
    await this.deps.links.add(link);
    this.deps.logger.info('share link created', { linkId: link.linkId, recordId: link.recordId });
    await this.sweepExpired();
    const url = `${SHARE_PAGE}#${link.linkId}.${key.toString('hex')}`;
    key.fill(0);
    return { ...viewOf(link, now), url };
  }

  /** The signed-in resident's links, newest first. */
  async list(user: User, limit = DEFAULT_LIST_LIMIT): Promise<ShareLinkView[]> {
    const now = this.clock();
    const residentId = residentOf(user);
    return (await this.deps.links.byResident(residentId, limit)).map((link) => viewOf(link, now));
  }

  /** The owner withdraws a link: it answers 410 from now on and its sealed content is deleted. */
  async withdraw(user: User, linkId: string): Promise<ShareLinkView> {
    const residentId = residentOf(user);
    const link = await this.deps.links.get(linkId);
    if (link === undefined || link.residentId !== residentId) {
      throw new AppError('SHARE_LINK_NOT_FOUND', `the signed-in resident has no share link ${linkId}`);
    }
    const withdrawn = await this.deps.links.withdraw(linkId, this.clock());
    if (withdrawn === undefined) throw new AppError('SHARE_LINK_NOT_FOUND', `no share link ${linkId}`);
    this.deps.logger.info('share link withdrawn', { linkId });
    return viewOf(withdrawn, this.clock());
  }

  /**
   * Anyone holding the link: the link's state and its record's status on the ledger are checked,
   * the access is logged (durably), and only then is the sealed content answered. A link whose
   * record was retracted is refused, and its sealed content deleted, like an expired link's.
   */
  async content(linkId: string): Promise<ShareContentView> {
    const link = await this.deps.links.get(linkId);
    if (link === undefined) throw new AppError('SHARE_LINK_NOT_FOUND', `no share link ${linkId}`);
    const now = this.clock();
    const status = statusOf(link, now);
    const retracted = status === 'ACTIVE' && (await this.recordRetracted(link));
    const refusal = refusalOf(status, retracted);
    await this.deps.log.append(openEntry(link, this.newId(), now, refusal));
    this.deps.anchoring?.nudge();
    if (refusal !== null) await this.refuse(link, refusal);
    if (link.sealed === null) throw new AppError('SHARE_LINK_WITHDRAWN', `share link ${linkId} was withdrawn`);
    await this.deps.links.countOpen(linkId);
    return {
      linkId,
      expiresAt: link.expiresAt.toISOString(),
      sealedBase64: Buffer.from(link.sealed).toString('base64'),
    };
  }

  private async recordRetracted(link: StoredShareLink): Promise<boolean> {
    return (await this.deps.records.read(this.deps.readAs, link.recordId)).status === 'RETRACTED';
  }

  private async refuse(link: StoredShareLink, refusal: OpenRefusal): Promise<never> {
    if (refusal === 'SHARE_LINK_WITHDRAWN') {
      throw new AppError('SHARE_LINK_WITHDRAWN', `share link ${link.linkId} was withdrawn`);
    }
    if (link.sealed !== null) await this.deps.links.discard(link.linkId);
    if (refusal === 'SHARE_LINK_EXPIRED') {
      throw new AppError('SHARE_LINK_EXPIRED', `share link ${link.linkId} expired at ${link.expiresAt.toISOString()}`);
    }
    throw new AppError('RECORD_RETRACTED', `the record of share link ${link.linkId} was retracted by its source`);
  }

  /**
   * Expired links keep no sealed content: cleared when a link is created and by the gateway's
   * periodic sweep (SHARE_LINK_SWEEP_MS), never on a read. A failure fails nothing: the next sweep
   * clears them. Answers how many were cleared.
   */
  async sweepExpired(): Promise<number> {
    try {
      const cleared = await this.deps.links.discardExpired(this.clock());
      if (cleared > 0) this.deps.logger.info('expired share links cleared', { cleared });
      return cleared;
    } catch (err) {
      this.deps.logger.warn('could not clear expired share links', { error: String(err) });
      return 0;
    }
  }

  /** The shared fields as UTF-8 JSON; ALL_FIELDS shares every field and the attachment. */
  private async plaintext(link: StoredShareLink, digest: string): Promise<Buffer> {
    const fields = link.fields.includes(ALL_FIELDS) ? [ALL_FIELDS, ATTACHMENT_FIELD] : link.fields;
    const mark = `Shared by the resident through share link ${link.linkId}, ${link.createdAt.toISOString()}, valid until ${link.expiresAt.toISOString()}`;
    const released = await release(
      this.deps.files,
      this.deps.contents,
      { recordId: link.recordId, digest, fields },
      mark,
    );
    const document = {
      recordId: link.recordId,
      recordType: link.recordType,
      ...released,
      sharedAt: link.createdAt.toISOString(),
      expiresAt: link.expiresAt.toISOString(),
    };
    return Buffer.from(JSON.stringify(document), 'utf8');
  }
}
