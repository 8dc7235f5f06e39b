/**
 * Access to health records (调阅) and its audit (存证): what a reader asks, what the `access`
 * contract rules from the grant and the record index on the ledger, and the anchors that put the
 * off-chain access log on chain under SM3 Merkle roots (see merkle.ts).
 */
import { ACCESS_REFUSALS, type AccessRefusal, type ConsentPurpose } from './consent';
import type { HealthRecordType } from './health-records';

/** An access's id (the access record's and the ruling's), chosen by the gateway: a UUID (lowercase). */
export const ACCESS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The most fields one access asks for. */
export const ACCESS_FIELDS_MAX = 64;

/** A break-glass reason: 10..500 characters, mandatory. */
export const BREAK_GLASS_REASON_MIN = 10;
export const BREAK_GLASS_REASON_MAX = 500;

/** Anchor ids: 1..64 letters, digits, ".", "_", ":" or "-". */
export const ACCESS_ANCHOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The most access records one anchor holds. */
export const ACCESS_ANCHOR_MAX = 500;

/** Every access record is anchored on chain within this many seconds of its decision. */
export const ACCESS_ANCHOR_BOUND_SECONDS = 5;

/** Access records are kept off chain at least this long; nothing purges them earlier. */
export const ACCESS_LOG_RETENTION_DAYS = 180;

/**
 * Why an access was allowed: a resident's GRANT; the general policy that a hospital reads the
 * records it created itself (SOURCE_ORG); an emergency doctor's BREAK_GLASS. NONE when refused
 * without a grant to judge.
 */
export const ACCESS_BASES = ['GRANT', 'SOURCE_ORG', 'BREAK_GLASS', 'NONE'] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];

/**
 * Reasons beyond checkAccess's: no grant named and no general policy applies; the named grant is
 * not the record's resident's; the record was retracted by its source; a general policy would
 * allow the access but the resident's signed preferences narrowed it out (see policies.ts).
 */
export const ACCESS_POLICY_REFUSALS = ['NO_GRANT', 'GRANT_NOT_FOUND', 'RECORD_RETRACTED', 'POLICY_NARROWED'] as const;
export type AccessPolicyRefusal = (typeof ACCESS_POLICY_REFUSALS)[number];
export type AccessOutcomeReason = AccessRefusal | AccessPolicyRefusal;

/** Why an open of a resident's share link was refused (see share-links.ts). */
export const SHARE_LINK_REFUSALS = ['SHARE_LINK_EXPIRED', 'SHARE_LINK_WITHDRAWN'] as const;
export type ShareLinkRefusal = (typeof SHARE_LINK_REFUSALS)[number];

/**
 * Every reason an access record may carry: the ledger's, the gateway's own refusal of a user
 * whose role does not read health records (the ledger is not asked then), and a share link's.
 */
export const ACCESS_LOG_REASONS = [
  ...ACCESS_REFUSALS,
  ...ACCESS_POLICY_REFUSALS,
  'ROLE_NOT_ALLOWED',
  'RECORD_NOT_FOUND',
  ...SHARE_LINK_REFUSALS,
] as const;
export type AccessLogReason = (typeof ACCESS_LOG_REASONS)[number];

/** What the gateway puts to `access:Decide` for the signed-in user of the submitting organisation. */
export interface DecideAccessInput {
  readonly requestId: string;
  readonly recordId: string;
  /** The requesting user (doctor) at the submitting organisation. */
  readonly userId: string;
  readonly purpose: ConsentPurpose;
  /** The fields asked for (never "*"), at least one. */
  readonly fields: readonly string[];
  /** The grant relied on; null: a general policy. */
  readonly grantId: string | null;
  /** Set by the gateway for a user of the emergency department only: the mandatory reason. */
  readonly breakGlassReason: string | null;
}

/** The ledger's ruling on one access, stored under `access-decision` [requestId]. */
export interface AccessRuling {
  readonly requestId: string;
  readonly recordId: string;
  readonly residentId: string;
  readonly recordType: HealthRecordType;
  readonly sourceOrg: string;
  /** The record's digest on chain when decided: the released content must have it. */
  readonly digest: string;
  readonly mspId: string;
  readonly userId: string;
  readonly purpose: ConsentPurpose;
  readonly requestedFields: readonly string[];
  readonly basis: AccessBasis;
  readonly grantId: string | null;
  readonly breakGlass: boolean;
  readonly breakGlassReason: string | null;
  readonly allowed: boolean;
  readonly fields: readonly string[];
  readonly withheldFields: readonly string[];
  readonly reason: AccessOutcomeReason | null;
  readonly txId: string;
  readonly timestamp: string;
}

/**
 * `access:Check`'s answer: the ruling Decide would make at the proposal's time, stored nowhere.
 * `commitRequired`: the access changes ledger state (a use of a use-limited grant) or breaks the
 * glass, so it must be committed with Decide; otherwise the ruling's tx id is never on chain.
 */
export interface AccessCheck {
  readonly ruling: AccessRuling;
  readonly commitRequired: boolean;
}

/** What the gateway submits to `access:Anchor`: its access records' leaves, in sequence order. */
export interface AnchorAccessLogInput {
  readonly anchorId: string;
  readonly accessIds: readonly string[];
  readonly leaves: readonly string[];
}

/** An anchor on chain, under `access-anchor` [anchorId], written once. */
export interface AccessAnchor extends AnchorAccessLogInput {
  readonly mspId: string;
  readonly count: number;
  readonly root: string;
  readonly txId: string;
  readonly timestamp: string;
}

export const ACCESS_EVENTS = {
  DECIDE: 'AccessDecided',
  ANCHOR: 'AccessLogAnchored',
} as const;

/** Attachments a record's content may carry (released as a watermarked PDF). */
export const RECORD_ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type RecordAttachmentType = (typeof RECORD_ATTACHMENT_TYPES)[number];

/** The access field that releases the attachment. */
export const ATTACHMENT_FIELD = 'attachment';

export interface RecordAttachmentRef {
  readonly contentType: RecordAttachmentType;
  /** SM3 of the attachment's bytes, lowercase hex. */
  readonly sm3: string;
  readonly size: number;
}

/**
 * A record's content as kept off chain: the index's digest is SM3 of the UTF-8 canonical JSON of
 * this object, so the one digest on chain covers the named fields and the attachment.
 */
export interface RecordContentDocument {
  readonly recordId: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly attachment: RecordAttachmentRef | null;
}
