/**
 * A doctor's request for access to a resident's records, answered by the resident (approved by a
 * signed grant, or denied), and the notifications that carry requests and their answers.
 */

/**
 * PENDING: waiting for the resident; APPROVED: the resident signed the grant it asked for;
 * DENIED by the resident; EXPIRED: not answered before its deadline (derived when read).
 */
export const ACCESS_REQUEST_STATUSES = ['PENDING', 'APPROVED', 'DENIED', 'EXPIRED'] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];

/** An access request's id: `req-` and 24 lowercase hexadecimal characters. */
export const ACCESS_REQUEST_ID = /^req-[0-9a-f]{24}$/;

/** The id of the grant that approves request `req-<hex>`: `grant-<hex>`, so one request makes at most one grant. */
export function grantIdForRequest(requestId: string): string {
  return `grant-${requestId.slice('req-'.length)}`;
}

/** Bounds of a request: how long the resident has to answer, and the text sizes. */
export const ACCESS_REQUEST_LIMITS = {
  minAnswerSeconds: 5,
  maxAnswerSeconds: 7 * 86_400,
  defaultAnswerSeconds: 86_400,
  message: 500,
  reason: 500,
} as const;

/** What a notification tells its recipient about. */
export const NOTIFICATION_TYPES = [
  'ACCESS_REQUESTED',
  'ACCESS_REQUEST_APPROVED',
  'ACCESS_REQUEST_DENIED',
  'REFERRAL_CLOSED',
  'BREAK_GLASS_ACCESS',
  'SIGNING_KEY_CHANGED',
  'POLICIES_CHANGED',
  'GENERAL',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A notification's id: 24 lowercase hexadecimal characters. */
export const NOTIFICATION_ID = /^[0-9a-f]{24}$/;
