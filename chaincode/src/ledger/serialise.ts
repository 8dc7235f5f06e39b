/**
 * Deterministic serialisation: every endorsing peer must produce the same bytes,
 * so object keys are written in sorted order and only plain JSON values are accepted.
 */
import { CanonicalJsonError, canonicalJson as sharedCanonicalJson } from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from '../domain/errors';

/**
 * The vocabulary's canonical JSON; a value it cannot encode is the chaincode's own fault
 * (INTERNAL), never the caller's.
 */
export function canonicalJson(value: unknown): string {
  try {
    return sharedCanonicalJson(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) {
      throw chaincodeError(ErrorCode.INTERNAL, `cannot serialise ${error.message}`);
    }
    throw error;
  }
}

export function encodeState(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Decodes UTF-8 JSON read from the ledger; the result still has to be checked by a domain parser. */
export function decodeState(bytes: Uint8Array, what: string): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    throw chaincodeError(ErrorCode.INTERNAL, `${what} is not valid JSON`);
  }
}
