import { createHash, createHmac } from 'node:crypto';
import { parseBytes, toBytes } from '../validation';

/** SM3 digest as 64 lowercase hex characters; a string is hashed as its UTF-8 bytes. */
export function sm3Hex(data: Uint8Array | string): string {
  return createHash('sm3').update(toBytes(data, 'data')).digest('hex');
}

/** SM3 digest as raw 32 bytes. */
export function sm3(data: Uint8Array | string): Buffer {
  return createHash('sm3').update(toBytes(data, 'data')).digest();
}

/** HMAC-SM3 as 64 lowercase hex characters; a string is authenticated as its UTF-8 bytes. */
export function hmacSm3Hex(key: Uint8Array, data: Uint8Array | string): string {
  return hmacSm3(key, data).toString('hex');
}

/** HMAC-SM3 as raw 32 bytes. */
export function hmacSm3(key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac('sm3', parseBytes(key, 'key')).update(toBytes(data, 'data')).digest();
}
