/**
 * The checks that make a resident-signed operation believable: the signature verifies over the
 * canonical encoding of the payload under the right key, the key version is the current one, and
 * the signing time is near the transaction time. (The nonce's single use is the ledger's part.)
 */
import {
  SIGNATURE_MAX_AGE_SECONDS,
  SIGNATURE_MAX_AHEAD_SECONDS,
  canonicalJson,
  type ResidentKey,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from './errors';
import { verifySm2 } from './sm2';

/** The bytes a resident signs: the canonical JSON of the payload (see CONSENT_SIGNING_DESCRIPTION). */
export function signedMessage(payload: object): string {
  return canonicalJson(payload);
}

/** Refuses unless `signature` (DER hex) is the signature of `payload` under `publicKey`. */
export function checkSignature(payload: object, signature: string, publicKey: string, field = 'signature'): void {
  if (!verifySm2(signedMessage(payload), signature, publicKey)) {
    throw chaincodeError(
      ErrorCode.SIGNATURE_INVALID,
      `${field} is not a valid SM2 signature of the payload's canonical encoding under the expected key`,
    );
  }
}

/** The operation must be signed with the resident's current key version. */
export function checkKeyVersion(key: ResidentKey, keyVersion: number): void {
  if (keyVersion !== key.keyVersion) {
    throw chaincodeError(
      ErrorCode.RESIDENT_KEY_SUPERSEDED,
      `payload.keyVersion is ${keyVersion}, but the resident's current key is version ${key.keyVersion}`,
    );
  }
}

function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** `signedAt` must lie within SIGNATURE_MAX_AGE_SECONDS before and SIGNATURE_MAX_AHEAD_SECONDS after `txTime`. */
export function checkFreshness(signedAt: string, txTime: string): void {
  const age = secondsBetween(signedAt, txTime);
  if (age > SIGNATURE_MAX_AGE_SECONDS || age < -SIGNATURE_MAX_AHEAD_SECONDS) {
    throw chaincodeError(
      ErrorCode.SIGNATURE_STALE,
      `payload.signedAt ${signedAt} is not within ${SIGNATURE_MAX_AGE_SECONDS} s before or ` +
        `${SIGNATURE_MAX_AHEAD_SECONDS} s after the transaction time ${txTime}`,
    );
  }
}
