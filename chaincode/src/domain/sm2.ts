/**
 * SM2 signature verification (GB/T 32918.2 with SM3, distinguishing id 1234567812345678) by
 * sm-crypto-v2. Verification is deterministic; nothing here signs or draws random numbers.
 * Signatures arrive DER-encoded as OpenSSL writes them; only the strict minimal DER form is
 * accepted, so one signature has one encoding.
 */
import { SM2_PUBLIC_KEY, SM2_SIGNATURE, SM2_USER_ID } from '@hdt/vocabulary';
import { sm2 } from 'sm-crypto-v2';

/** The order n of the SM2 base point: r and s lie in 1..n-1. */
const SM2_ORDER = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const MAX_INTEGER_BYTES = 33;

interface DerInteger {
  readonly value: bigint;
  readonly next: number;
}

/** Minimal two's-complement encoding of a positive integer: no sign bit, no superfluous 0x00. */
function isMinimalPositive(content: Buffer): boolean {
  const first = content[0] ?? 0x80;
  if ((first & 0x80) !== 0) return false;
  return content.length === 1 || first !== 0 || ((content[1] ?? 0) & 0x80) !== 0;
}

function readInteger(bytes: Buffer, offset: number): DerInteger | undefined {
  const length = bytes[offset + 1] ?? 0;
  const start = offset + 2;
  if (bytes[offset] !== INTEGER || length < 1 || length > MAX_INTEGER_BYTES || start + length > bytes.length) {
    return undefined;
  }
  const content = bytes.subarray(start, start + length);
  if (!isMinimalPositive(content)) return undefined;
  const value = BigInt(`0x${content.toString('hex')}`);
  return value >= BigInt(1) && value < SM2_ORDER ? { value, next: start + length } : undefined;
}

/** r || s (64 hexadecimal characters each) of a strict DER signature, or undefined. */
export function rawSignatureOf(derHex: string): string | undefined {
  if (!SM2_SIGNATURE.test(derHex)) return undefined;
  const bytes = Buffer.from(derHex, 'hex');
  if (bytes[0] !== SEQUENCE || bytes[1] !== bytes.length - 2) return undefined;
  const r = readInteger(bytes, 2);
  const s = r === undefined ? undefined : readInteger(bytes, r.next);
  if (r === undefined || s === undefined || s.next !== bytes.length) return undefined;
  return r.value.toString(16).padStart(64, '0') + s.value.toString(16).padStart(64, '0');
}

/** An uncompressed public key whose point lies on the SM2 curve. */
export function isSm2PublicKey(publicKey: string): boolean {
  if (!SM2_PUBLIC_KEY.test(publicKey)) return false;
  try {
    return sm2.verifyPublicKey(publicKey);
  } catch {
    return false;
  }
}

/** Whether `derSignature` is the SM2 signature of the UTF-8 bytes of `message` under `publicKey`. */
export function verifySm2(message: string, derSignature: string, publicKey: string): boolean {
  const raw = rawSignatureOf(derSignature);
  if (raw === undefined || !isSm2PublicKey(publicKey)) return false;
  try {
    const bytes = Uint8Array.from(Buffer.from(message, 'utf8'));
    return sm2.doVerifySignature(bytes, raw, publicKey, { hash: true, der: false, userId: SM2_USER_ID });
  } catch {
    return false;
  }
}
