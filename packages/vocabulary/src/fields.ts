/** Field formats shared by the chaincode, the API and the off-chain store. */

/** 票据代码: 8 digits (region, type, year). */
export const INVOICE_CODE = /^\d{8}$/;
/** 票据号码: 10 digits. */
export const INVOICE_NUMBER = /^\d{10}$/;
/** Lowercase hexadecimal SM3 digest or HMAC-SM3 (32 bytes). */
export const HEX64 = /^[0-9a-f]{64}$/;
/** 16 bytes in lowercase hexadecimal (salts). */
export const HEX32 = /^[0-9a-f]{32}$/;
/**
 * An IPFS CID: CIDv0 (base58btc, "Qm...") or CIDv1 in the usual multibase encodings: base32
 * lower ("b..."), base36 ("k..."), base58btc ("z...").
 */
export const CID = /^(?:Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{50,120}|k[0-9a-z]{45,120}|z[1-9A-HJ-NP-Za-km-z]{45,120})$/;
/** ISO-8601 UTC with milliseconds, as produced by `Date.prototype.toISOString`. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Human-readable text bounds (Unicode code points), e.g. the issuing unit's name. */
export const UNIT_NAME_MAX = 128;

/** Amounts are integer fen (1 CNY = 100 fen) within the safe-integer range. */
export type Fen = number;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
