/**
 * ECDSA P-256 signatures for Fabric made by Node's crypto (OpenSSL). fabric-gateway's own private
 * key signer computes each one in JavaScript, several milliseconds of the event loop per
 * transaction; OpenSSL takes a small fraction of that. Use it with `hash.none`: the signer is given
 * the whole message and signs its SHA-256 digest. Fabric accepts only low-S signatures (s at most
 * half the group order), so a high s is replaced by order − s, which is the same signature.
 */
import { type KeyObject, sign } from 'node:crypto';

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const HALF_ORDER = P256_ORDER >> 1n;
const SCALAR_BYTES = 32;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** A DER INTEGER: minimal big-endian bytes, with a 0x00 in front when the top bit is set. */
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, with s in its low form. */
export function lowSDerSignature(p1363: Uint8Array): Uint8Array {
  if (p1363.length !== 2 * SCALAR_BYTES) throw new Error(`expected a ${2 * SCALAR_BYTES}-byte r||s signature`);
  const r = toBigInt(p1363.subarray(0, SCALAR_BYTES));
  let s = toBigInt(p1363.subarray(SCALAR_BYTES));
  if (s > HALF_ORDER) s = P256_ORDER - s;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

export type MessageSigner = (message: Uint8Array) => Promise<Uint8Array>;

/** A signer for fabric-gateway (with `hash.none`) over a P-256 private key. */
export function nativeP256Signer(key: KeyObject): MessageSigner {
  if (
    key.type !== 'private' ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new Error('a Fabric identity key must be a P-256 (prime256v1) private key');
  }
  return (message) => Promise.resolve(lowSDerSignature(sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' })));
}
