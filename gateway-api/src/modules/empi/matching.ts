/**
 * The EMPI matching rule (pure). A hospital links its patient — its local patient id and the
 * pseudonym its record indices carry — and may send the resident's national ID number and
 * demographics (name, birth date, sex). The gateway keeps none of them in clear: it keeps keyed
 * SM3 hashes (HMAC-SM3 under the EMPI key).
 *
 * - Equal ID-number hash ⇒ the same resident, automatically. A resident known by an ID number has
 *   the id SM3("empi-resident|" ‖ idHash), so two gateways linking the same person concurrently
 *   make the same resident.
 * - No ID number ⇒ a new resident of its own; every other active resident with the same
 *   demographic hash (name, birth date and sex all equal) is listed as a candidate for manual
 *   review by the health commission (merge or leave apart). The same holds for a resident newly
 *   made from an ID number: a demographic twin without an ID number is a candidate.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '@hdt/vocabulary';

/** Label of the EMPI key, derived from the gateway's issuer secret. */
export const EMPI_KEY_LABEL = 'hdt/empi/v1';

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export interface Demographics {
  name: string;
  birthDate: string;
  sex: Sex;
}

const hmacSm3 = (key: Uint8Array, data: string): string => createHmac('sm3', key).update(data, 'utf8').digest('hex');

/** The EMPI key: HMAC-SM3(secret, EMPI_KEY_LABEL). Every gateway of the consortium derives the same from the same secret. */
export function empiKey(secret: Uint8Array): Buffer {
  return createHmac('sm3', secret).update(EMPI_KEY_LABEL, 'utf8').digest();
}

/** Resident ID number (GB 11643): 17 digits and a check character (digit or X). */
export const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECKS = '10X98765432';

/** True when the 18th character is the GB 11643 check character of the first 17. */
export function idNumberChecks(idNumber: string): boolean {
  if (!ID_NUMBER.test(idNumber)) return false;
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(idNumber[i]), 0);
  return ID_CHECKS[sum % 11] === idNumber[17]?.toUpperCase();
}

/** Keyed hash of a resident ID number (upper-case X). */
export function idNumberHash(key: Uint8Array, idNumber: string): string {
  return hmacSm3(key, `id|${idNumber.trim().toUpperCase()}`);
}

/** Name as compared: Unicode NFKC, inner white space removed, Latin letters upper-cased. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** Keyed hash of name, birth date and sex: equal only when all three are equal. */
export function demographicHash(key: Uint8Array, who: Demographics): string {
  return hmacSm3(
    key,
    `demo|${canonicalJson({ name: normaliseName(who.name), birthDate: who.birthDate, sex: who.sex })}`,
  );
}

/** The id of the resident known by an ID-number hash. */
export function residentIdForIdHash(idHash: string): string {
  return createHash('sm3').update(`empi-resident|${idHash}`, 'utf8').digest('hex');
}

export type LinkMethod = 'ID_NUMBER' | 'NEW_RESIDENT' | 'SPLIT';

/** Which resident a new link goes to: the one of its ID-number hash, or a new one. */
export function chooseResident(
  idHash: string | null,
  newResidentId: () => string,
): { residentId: string; method: LinkMethod } {
  if (idHash !== null) return { residentId: residentIdForIdHash(idHash), method: 'ID_NUMBER' };
  return { residentId: newResidentId(), method: 'NEW_RESIDENT' };
}
