/**
 * The one catalogue of error codes this package raises. Callers switch on `code`,
 * never on message text.
 */
export const OFFCHAIN_ERROR_CODES = [
  /** A caller-supplied value is malformed; the message names the field. */
  'INVALID_ARGUMENT',
  /** An envelope failed authentication (wrong key, truncation or any changed byte). */
  'TAMPERED_CIPHERTEXT',
  /** Decrypted content does not have the expected SM3 digest. */
  'DIGEST_MISMATCH',
  /** No data key with that id exists. */
  'KEY_NOT_FOUND',
  /** The data key was destroyed (crypto-shredding); the document can no longer be read. */
  'KEY_DESTROYED',
  /** A data key is wrapped under a key-encryption key this process was not given. */
  'KEK_UNAVAILABLE',
  /** The blob store does not hold the requested content. */
  'BLOB_NOT_FOUND',
  /** A blob is larger than the configured limit. */
  'BLOB_TOO_LARGE',
  /** The IPFS node could not be reached or failed. */
  'BLOB_STORE_UNAVAILABLE',
  /** The document database could not be reached or failed. */
  'DATABASE_UNAVAILABLE',
  /** A stored record does not have the shape this package writes. */
  'CORRUPT_RECORD',
  /** completeIdempotent was called for a key that has no pending request. */
  'IDEMPOTENCY_NOT_PENDING',
] as const;

export type OffchainErrorCode = (typeof OFFCHAIN_ERROR_CODES)[number];

export class OffchainError extends Error {
  readonly code: OffchainErrorCode;

  constructor(code: OffchainErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'OffchainError';
    this.code = code;
  }
}

export function isOffchainError(value: unknown, code?: OffchainErrorCode): value is OffchainError {
  return value instanceof OffchainError && (code === undefined || value.code === code);
}

/** A short description of an unknown thrown value, for wrapping into an OffchainError message. */
export function describeError(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  // Never echo credentials embedded in connection strings.
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}
