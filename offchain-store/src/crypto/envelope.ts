import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { OffchainError } from '../errors';
import { parseBytes, parseKey32 } from '../validation';
import { hmacSm3 } from './sm3';

/**
 * Envelope for every encrypted blob:
 *
 *   "HDT1" (4 bytes) | iv (16) | SM4-CBC ciphertext, PKCS#7 padded (16·n, n ≥ 1) | tag (32)
 *
 * tag = HMAC-SM3(macKey, "HDT1" | iv | ciphertext)   (encrypt-then-MAC)
 * The 32-byte data key splits into encKey = bytes 0..15 (SM4) and macKey = bytes 16..31.
 */
export const ENVELOPE_MAGIC = Buffer.from('HDT1', 'ascii');
export const ENVELOPE_IV_BYTES = 16;
export const ENVELOPE_TAG_BYTES = 32;
export const ENVELOPE_BLOCK_BYTES = 16;
export const ENVELOPE_HEADER_BYTES = ENVELOPE_MAGIC.length + ENVELOPE_IV_BYTES;
/** Smallest possible envelope: header, one padded block, tag. */
export const ENVELOPE_MIN_BYTES = ENVELOPE_HEADER_BYTES + ENVELOPE_BLOCK_BYTES + ENVELOPE_TAG_BYTES;

const CIPHER = 'sm4-cbc';

/** A Buffer view over the same memory (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface EnvelopeParts {
  readonly magic: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** The two halves of a 32-byte data key. */
export function splitDataKey(key32: Uint8Array): { encKey: Buffer; macKey: Buffer } {
  const key = Buffer.from(parseKey32(key32, 'key'));
  return { encKey: key.subarray(0, 16), macKey: key.subarray(16, 32) };
}

/** Encrypts and authenticates `plain` under a 32-byte data key; a fresh random IV each call. */
export function sealEnvelope(plain: Uint8Array, key32: Uint8Array): Buffer {
  const plaintext = parseBytes(plain, 'plain');
  const { encKey, macKey } = splitDataKey(key32);
  const iv = randomBytes(ENVELOPE_IV_BYTES);
  const cipher = createCipheriv(CIPHER, encKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const authenticated = Buffer.concat([ENVELOPE_MAGIC, iv, ciphertext]);
  const tag = hmacSm3(macKey, authenticated);
  encKey.fill(0);
  macKey.fill(0);
  return Buffer.concat([authenticated, tag]);
}

/**
 * Splits an envelope into its parts without authenticating it.
 * Throws TAMPERED_CIPHERTEXT when the length or magic cannot belong to an envelope.
 */
export function parseEnvelope(sealed: Uint8Array): EnvelopeParts {
  const bytes = asBuffer(parseBytes(sealed, 'sealed'));
  checkShape(bytes);
  return {
    magic: bytes.subarray(0, ENVELOPE_MAGIC.length),
    iv: bytes.subarray(ENVELOPE_MAGIC.length, ENVELOPE_HEADER_BYTES),
    ciphertext: bytes.subarray(ENVELOPE_HEADER_BYTES, bytes.length - ENVELOPE_TAG_BYTES),
    tag: bytes.subarray(bytes.length - ENVELOPE_TAG_BYTES),
  };
}

function checkShape(bytes: Buffer): void {
  if (bytes.length < ENVELOPE_MIN_BYTES) {
    throw new OffchainError(
      'TAMPERED_CIPHERTEXT',
      `envelope is ${bytes.length} bytes, shorter than ${ENVELOPE_MIN_BYTES}`,
    );
  }
  if ((bytes.length - ENVELOPE_HEADER_BYTES - ENVELOPE_TAG_BYTES) % ENVELOPE_BLOCK_BYTES !== 0) {
    throw new OffchainError('TAMPERED_CIPHERTEXT', 'envelope ciphertext is not a whole number of SM4 blocks');
  }
}

/**
 * Authenticates, then decrypts. Any change to any byte, truncation, or a wrong key
 * throws OffchainError with code TAMPERED_CIPHERTEXT. The tag is compared in constant time.
 */
export function openEnvelope(sealed: Uint8Array, key32: Uint8Array): Buffer {
  const { encKey, macKey } = splitDataKey(key32);
  try {
    const bytes = asBuffer(parseBytes(sealed, 'sealed'));
    checkShape(bytes);
    const authenticated = bytes.subarray(0, bytes.length - ENVELOPE_TAG_BYTES);
    const tag = bytes.subarray(bytes.length - ENVELOPE_TAG_BYTES);
    const expected = hmacSm3(macKey, authenticated);
    if (!timingSafeEqual(expected, tag)) {
      throw new OffchainError('TAMPERED_CIPHERTEXT', 'envelope authentication failed (wrong key or modified data)');
    }
    // The magic is covered by the tag, so this only rejects a well-authenticated foreign format.
    if (!bytes.subarray(0, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC)) {
      throw new OffchainError('TAMPERED_CIPHERTEXT', 'envelope does not start with HDT1');
    }
    const iv = bytes.subarray(ENVELOPE_MAGIC.length, ENVELOPE_HEADER_BYTES);
    const ciphertext = bytes.subarray(ENVELOPE_HEADER_BYTES, bytes.length - ENVELOPE_TAG_BYTES);
    try {
      const decipher = createDecipheriv(CIPHER, encKey, iv);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (error) {
      throw new OffchainError('TAMPERED_CIPHERTEXT', 'envelope padding is invalid', { cause: error });
    }
  } finally {
    encKey.fill(0);
    macKey.fill(0);
  }
}
