import { OffchainError } from './errors';

const SM3_HEX = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function invalid(field: string, text: string): OffchainError {
  return new OffchainError('INVALID_ARGUMENT', `${field} ${text}`);
}

/** A non-empty string of at most `maxLength` characters without control characters. */
export function parseText(value: unknown, field: string, maxLength = 256): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length === 0) throw invalid(field, 'must not be empty');
  if (value.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(field, 'must not contain control characters');
  return value;
}

export function parseSm3Hex(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SM3_HEX.test(value)) {
    throw invalid(field, 'must be 64 lowercase hex characters (an SM3 digest)');
  }
  return value;
}

export function parseKeyId(value: unknown, field = 'keyId'): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(field, 'must be a lowercase UUID');
  return value;
}

export function parseBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(field, 'must be a Uint8Array or Buffer');
  return value;
}

export function parseKey32(value: unknown, field: string): Uint8Array {
  const bytes = parseBytes(value, field);
  if (bytes.length !== 32) throw invalid(field, `must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

export function parseHexKey32(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw invalid(field, 'must be 64 hex characters (32 bytes)');
  }
  return Buffer.from(value, 'hex');
}

export function parsePositiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(field, 'must be a positive integer');
  }
  return value;
}

export function toBytes(data: Uint8Array | string, field: string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return parseBytes(data, field);
}
