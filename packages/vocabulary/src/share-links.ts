/**
 * Share links: a resident shares one record through an encrypted, expiring link and can withdraw
 * it. The gateway keeps only the ciphertext; the key travels in the link's fragment. Every open of
 * a link is an access to the record, logged with the basis and purpose below. These values exist
 * in the gateway's access log only: the chaincode's access rulings never carry them.
 */
import { ACCESS_BASES } from './access';
import { CONSENT_PURPOSES } from './consent';

/** A link is valid 1 minute .. 7 days from its creation. */
export const SHARE_LINK_MINUTES_MIN = 1;
export const SHARE_LINK_MINUTES_MAX = 10_080;

export const SHARE_LINK_STATUSES = ['ACTIVE', 'EXPIRED', 'WITHDRAWN'] as const;
export type ShareLinkStatus = (typeof SHARE_LINK_STATUSES)[number];

/** The key in a link's fragment: 32 bytes (SM4 key | HMAC-SM3 key), lowercase hex. */
export const SHARE_LINK_KEY = /^[0-9a-f]{64}$/;

/** Basis and purpose of an access through a share link. */
export const SHARE_LINK_BASIS = 'SHARE_LINK';
export const SHARE_LINK_PURPOSE = 'SHARE';

/** Every basis and purpose an access-log entry may carry: the ledger's, and the share link's. */
export const ACCESS_LOG_BASES = [...ACCESS_BASES, SHARE_LINK_BASIS] as const;
export type AccessLogBasis = (typeof ACCESS_LOG_BASES)[number];
export const ACCESS_LOG_PURPOSES = [...CONSENT_PURPOSES, SHARE_LINK_PURPOSE] as const;
export type AccessLogPurpose = (typeof ACCESS_LOG_PURPOSES)[number];
