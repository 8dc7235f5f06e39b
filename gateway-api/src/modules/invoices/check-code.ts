/**
 * Check codes (校验码): six characters printed on the invoice that a verifier must know. On the
 * ledger each is protected by a salted, deliberately slow hash (CHECK_CODE_KDF): PBKDF2-HMAC-SM3
 * of `code:number:checkCode` with a random 16-byte salt per invoice and an iteration count chosen
 * so that trying all 34^6 codes of one invoice costs a member who reads the ledger about a
 * CPU-year (bench/RESULTS.md). The derivation runs on libuv's thread pool, never on the event loop.
 */
import { pbkdf2, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { CHECK_CODE_KDF, checkCodeKdfPassword, type CheckCodeProtection, type InvoiceId } from '@hdt/vocabulary';

/** Unambiguous alphabet of check codes: digits and uppercase letters without O and I. */
export const CHECK_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CHECK_CODE_LENGTH = 6;

/** The check code inside an invoice's stored structured data (see `storedData`); other members pass. */
export const storedCheckCodeSchema = z.object({ checkCode: z.string().regex(/^[0-9A-Z]{6}$/) });

/**
 * Iterations for new invoices unless CHECK_CODE_KDF_ITERATIONS says otherwise. A CPU-year for the
 * 34^6 codes of one invoice needs 20.4 ms per derivation; on the reference machine one iteration
 * takes at least 0.70 µs of a core (its fastest runs; 0.72–1.1 µs under load), so 32,000
 * iterations take at least 22.4 ms: 1.1 CPU-years (`npm run bench:kdf`, bench/RESULTS.md).
 */
export const DEFAULT_CHECK_CODE_ITERATIONS = 32_000;

const pbkdf2Async = promisify(pbkdf2);

export function generateCheckCode(): string {
  let code = '';
  for (let i = 0; i < CHECK_CODE_LENGTH; i++) code += CHECK_CODE_ALPHABET[randomInt(CHECK_CODE_ALPHABET.length)];
  return code;
}

/** A fresh per-invoice salt, lowercase hex. */
export function newCheckCodeSalt(): string {
  return randomBytes(CHECK_CODE_KDF.saltBytes).toString('hex');
}

/** PBKDF2-HMAC-SM3(`code:number:checkCode`, salt, iterations, 32 bytes) as lowercase hex. */
export async function deriveCheckCodeHash(
  id: InvoiceId,
  checkCode: string,
  saltHex: string,
  iterations: number,
): Promise<string> {
  const password = checkCodeKdfPassword(id.code, id.number, checkCode);
  const key = await pbkdf2Async(password, Buffer.from(saltHex, 'hex'), iterations, CHECK_CODE_KDF.keyBytes, 'sm3');
  return key.toString('hex');
}

/** What goes on chain for a new invoice's check code: a fresh salt, the iterations and the hash. */
export async function protectCheckCode(
  id: InvoiceId,
  checkCode: string,
  iterations: number,
): Promise<CheckCodeProtection> {
  const checkCodeSalt = newCheckCodeSalt();
  const checkCodeHash = await deriveCheckCodeHash(id, checkCode, checkCodeSalt, iterations);
  return { checkCodeSalt, checkCodeIterations: iterations, checkCodeHash };
}

/** Whether `checkCode` is the one `protection` was made from (the hashes compared in constant time). */
export async function checkCodeMatches(
  id: InvoiceId,
  checkCode: string,
  protection: CheckCodeProtection,
): Promise<boolean> {
  const derived = await deriveCheckCodeHash(id, checkCode, protection.checkCodeSalt, protection.checkCodeIterations);
  const expected = Buffer.from(protection.checkCodeHash, 'hex');
  const actual = Buffer.from(derived, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
