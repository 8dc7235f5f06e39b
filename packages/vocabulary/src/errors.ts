/**
 * The one catalogue of error codes: those the chaincode puts at the start of its messages
 * (`INVOICE_EXISTS: ...`, the only part of a chaincode error that reaches a client) and those
 * the gateway raises itself, each with the HTTP status the API answers with. A code without a
 * status, or with a status that is not an error status, does not compile.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

export interface ErrorSpec {
  readonly status: ErrorStatus;
  /** `chaincode`: raised by a contract and passed through the gateway unchanged. */
  readonly raisedBy: 'chaincode' | 'gateway';
  readonly meaning: string;
}

export const ERROR_CATALOGUE = {
  INVALID_ARGUMENT: {
    status: 400,
    raisedBy: 'chaincode',
    meaning: 'an argument is missing, malformed or breaks an amount rule',
  },
  FORBIDDEN: { status: 403, raisedBy: 'chaincode', meaning: 'the caller may not perform this operation' },
  INVOICE_EXISTS: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'an invoice with this code and number was already issued',
  },
  INVOICE_NOT_FOUND: { status: 404, raisedBy: 'chaincode', meaning: 'no invoice with this code and number exists' },
  INVOICE_STATE_CONFLICT: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: "the invoice's current state does not allow this operation (terminal, locked, claimed or red)",
  },
  AMOUNT_UNAVAILABLE: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the amount exceeds what is still reimbursable (reimbursable minus reimbursed minus locked)',
  },
  CLAIM_EXISTS: { status: 409, raisedBy: 'chaincode', meaning: 'the invoice already has a lock for this claim id' },
  LOCK_NOT_ACTIVE: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the invoice has no unexpired lock for this claim id',
  },
  NOT_LOCK_HOLDER: {
    status: 403,
    raisedBy: 'chaincode',
    meaning: 'only the organisation holding the lock may do this',
  },
  CODE_NOT_ALLOCATED: {
    status: 403,
    raisedBy: 'chaincode',
    meaning: "the invoice code is not in a range allocated to the caller's organisation",
  },
  CODE_RANGE_OVERLAP: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the code range overlaps a range already allocated',
  },
  ORG_NOT_REGISTERED: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the organisation has no profile in the registry yet',
  },
  RESIDENT_KEY_EXISTS: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the resident already has a registered key; rotate it, or recover it when lost',
  },
  RESIDENT_KEY_UNKNOWN: { status: 404, raisedBy: 'chaincode', meaning: 'no key is registered for this resident' },
  RESIDENT_KEY_SUPERSEDED: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: "the operation was signed for a key version that is not the resident's current one",
  },
  SIGNATURE_INVALID: {
    status: 403,
    raisedBy: 'chaincode',
    meaning: "the resident's SM2 signature does not verify over the operation's canonical encoding",
  },
  SIGNATURE_STALE: {
    status: 403,
    raisedBy: 'chaincode',
    meaning: 'the signing time is too far from the transaction time; sign the operation again',
  },
  NONCE_REUSED: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the nonce was used before by this resident: the signed operation is a replay',
  },
  GRANT_EXISTS: { status: 409, raisedBy: 'chaincode', meaning: 'the resident already has a grant with this id' },
  GRANT_NOT_FOUND: { status: 404, raisedBy: 'chaincode', meaning: 'the resident has no grant with this id' },
  GRANT_VERSION_CONFLICT: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the grant changed since the version the resident signed; read it and sign again',
  },
  POLICY_VERSION_CONFLICT: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: "the resident's policy preferences changed since the version signed; read them and sign again",
  },
  CONSENT_NOT_ACTIVE: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the grant is revoked, ended or expired and can no longer be changed',
  },
  RECORD_EXISTS: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'a health record with this id is already indexed (or appears twice in the batch)',
  },
  RECORD_NOT_FOUND: { status: 404, raisedBy: 'chaincode', meaning: 'no health record with this id is indexed' },
  RECORD_RETRACTED: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the health record was retracted and can no longer be changed',
  },
  RECORD_NOT_OWNER: {
    status: 403,
    raisedBy: 'chaincode',
    meaning: "only the record's source organisation may change it",
  },
  BATCH_NOT_FOUND: { status: 404, raisedBy: 'chaincode', meaning: 'no record batch with this id exists' },
  ACCESS_ANCHOR_CONFLICT: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'an access-log anchor with this id is already on chain with other leaves',
  },
  ACCESS_ANCHOR_NOT_FOUND: { status: 404, raisedBy: 'chaincode', meaning: 'no access-log anchor with this id exists' },
  EMPI_AUDIT_ANCHOR_CONFLICT: {
    status: 409,
    raisedBy: 'chaincode',
    meaning: 'the EMPI audit head on chain is newer, or has another hash at this seq',
  },
  ACCESS_DECISION_NOT_FOUND: {
    status: 404,
    raisedBy: 'chaincode',
    meaning: 'no access decision with this request id is on chain',
  },
  RECORD_QUALITY_FAILED: {
    status: 422,
    raisedBy: 'gateway',
    meaning: 'the corrected index still breaks data-quality rules (named in the message); nothing changed',
  },
  QUALITY_ERROR_NOT_FOUND: {
    status: 404,
    raisedBy: 'gateway',
    meaning: "no rejected index with this id in the error store of the caller's organisation",
  },
  QUALITY_ERROR_RESOLVED: {
    status: 409,
    raisedBy: 'gateway',
    meaning: 'the rejected index was already corrected and registered',
  },
  RESIDENT_NOT_FOUND: { status: 404, raisedBy: 'gateway', meaning: 'the EMPI has no resident with this id' },
  EMPI_LINK_NOT_FOUND: {
    status: 404,
    raisedBy: 'gateway',
    meaning: "no EMPI link for this organisation's patient",
  },
  EMPI_CONFLICT: {
    status: 409,
    raisedBy: 'gateway',
    meaning: 'the EMPI merge or split contradicts the residents as they are (merged, different ID numbers, links)',
  },
  INTERNAL: { status: 500, raisedBy: 'chaincode', meaning: 'an unexpected failure; never caused by the caller' },
  VALIDATION: { status: 400, raisedBy: 'gateway', meaning: 'the request does not match its schema' },
  UNAUTHENTICATED: { status: 401, raisedBy: 'gateway', meaning: 'no valid credentials or token' },
  NOT_FOUND: { status: 404, raisedBy: 'gateway', meaning: 'no such resource' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    raisedBy: 'gateway',
    meaning: 'the resource does not answer this method; the Allow header lists those it does',
  },
  CONFLICT: { status: 409, raisedBy: 'gateway', meaning: 'the request conflicts with the current state' },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    raisedBy: 'gateway',
    meaning: 'the request body, or a part or file in it, is larger than its limit',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    raisedBy: 'gateway',
    meaning: 'the content encoding or character set of the request body is not supported',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    raisedBy: 'gateway',
    meaning: 'the Idempotency-Key was used before with another request',
  },
  ACCESS_REFUSED: {
    status: 403,
    raisedBy: 'gateway',
    meaning: 'the ledger refused the access (the message names the reason); the refusal is recorded',
  },
  ACCESS_RECORD_NOT_FOUND: { status: 404, raisedBy: 'gateway', meaning: 'no access record with this id exists' },
  CONTENT_NOT_STORED: {
    status: 404,
    raisedBy: 'gateway',
    meaning: "the record's content is not stored on the platform",
  },
  CONTENT_DIGEST_MISMATCH: {
    status: 409,
    raisedBy: 'gateway',
    meaning:
      "the off-chain copy of a record's content or of an invoice's document does not have the SM3 digest on chain " +
      "(changed, or not the record's or invoice's)",
  },
  RATE_LIMITED: { status: 429, raisedBy: 'gateway', meaning: 'too many requests' },
  LEDGER_UNAVAILABLE: { status: 503, raisedBy: 'gateway', meaning: 'the ledger cannot be reached or cannot endorse' },
  STORAGE_UNAVAILABLE: {
    status: 503,
    raisedBy: 'gateway',
    meaning: 'the off-chain database or IPFS cannot be reached',
  },
  ACCESS_REQUEST_NOT_FOUND: {
    status: 404,
    raisedBy: 'gateway',
    meaning: 'no access request with this id is addressed to or made by the caller',
  },
  ACCESS_REQUEST_DECIDED: {
    status: 409,
    raisedBy: 'gateway',
    meaning: 'the access request was already approved or denied',
  },
  ACCESS_REQUEST_EXPIRED: {
    status: 409,
    raisedBy: 'gateway',
    meaning: 'the access request was not answered in time and can no longer be decided',
  },
  REQUEST_GRANT_MISMATCH: {
    status: 409,
    raisedBy: 'gateway',
    meaning: "the signed grant does not give exactly the access request's grantee, purpose, scope and validity",
  },
  NOTIFICATION_NOT_FOUND: { status: 404, raisedBy: 'gateway', meaning: 'the caller has no notification with this id' },
  SHARE_LINK_NOT_FOUND: { status: 404, raisedBy: 'gateway', meaning: 'no share link with this id (of the caller)' },
  SHARE_LINK_EXPIRED: { status: 410, raisedBy: 'gateway', meaning: 'the share link is past its expiry time' },
  SHARE_LINK_WITHDRAWN: {
    status: 410,
    raisedBy: 'gateway',
    meaning: 'the resident withdrew the share link; its ciphertext is deleted',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes a chaincode may raise. */
export type ChaincodeErrorCode = {
  [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['raisedBy'] extends 'chaincode' ? C : never;
}[ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ERROR_CATALOGUE) as ErrorCode[]);

export const CHAINCODE_ERROR_CODES: readonly ChaincodeErrorCode[] = Object.freeze(
  ERROR_CODES.filter((code): code is ChaincodeErrorCode => ERROR_CATALOGUE[code].raisedBy === 'chaincode'),
);

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}

export function isChaincodeErrorCode(value: string): value is ChaincodeErrorCode {
  return isErrorCode(value) && ERROR_CATALOGUE[value].raisedBy === 'chaincode';
}

/** The HTTP status of a code; an unknown code is an internal error. */
export function statusOf(code: string): ErrorStatus {
  return isErrorCode(code) ? ERROR_CATALOGUE[code].status : ERROR_CATALOGUE.INTERNAL.status;
}

/** The code at the start of a `CODE: detail` message, if it is a catalogued code. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  const separator = message.indexOf(': ');
  if (separator <= 0) return undefined;
  const candidate = message.slice(0, separator);
  return isErrorCode(candidate) ? candidate : undefined;
}
