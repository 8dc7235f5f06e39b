/**
 * The recovery code of a lost key: what the resident's new phone shows (as text and QR code) and
 * counter staff paste or scan. It carries the recovery payload the gateway prepared and the new
 * key's signature over its canonical encoding, one member after the other:
 * `hdt-recover:1/<residentId>/<keyVersion>/<nonce>/<signedAt>/<newPublicKey>/<signature>`.
 * Decoding rebuilds the payload and checks the signature, so a code changed in any character (or
 * cut short) is refused before it is sent. The code proves possession of the new key only; that the
 * person at the counter is the resident is what staff check, with an identity document.
 */
import {
  canonicalJson,
  ISO_TIMESTAMP,
  NONCE,
  type RecoverKeyPayload,
  RESIDENT_ID,
  SIGNATURE_MAX_AGE_SECONDS,
  SIGNED_OPERATIONS,
  SIGNING_VERSION,
  SM2_PUBLIC_KEY,
  SM2_SIGNATURE,
} from '@hdt/vocabulary';
import type { SignedBody } from './api.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';
import { verifyMessage } from './signing.js';

export const RECOVERY_CODE_PREFIX = 'hdt-recover:1/';

export interface RecoveryCode {
  readonly payload: RecoverKeyPayload;
  readonly signature: string;
}

const PAYLOAD_MEMBERS = ['op', 'v', 'residentId', 'nonce', 'signedAt', 'keyVersion', 'newPublicKey'];

function refuse(): never {
  throw new InputError(() => t('recover.badCode'));
}

function matches(pattern: RegExp, value: unknown): value is string {
  return typeof value === 'string' && pattern.test(value);
}

/** The recovery payload the gateway prepared, member by member, or a refusal. */
export function recoveryPayload(value: Readonly<Record<string, unknown>>): RecoverKeyPayload {
  const { op, v, residentId, nonce, signedAt, keyVersion, newPublicKey } = value;
  const known = Object.keys(value).every((name) => PAYLOAD_MEMBERS.includes(name));
  const wellFormed =
    known &&
    op === SIGNED_OPERATIONS.RECOVER &&
    v === SIGNING_VERSION &&
    matches(RESIDENT_ID, residentId) &&
    matches(NONCE, nonce) &&
    matches(ISO_TIMESTAMP, signedAt) &&
    Number.isSafeInteger(keyVersion) &&
    (keyVersion as number) >= 1 &&
    matches(SM2_PUBLIC_KEY, newPublicKey);
  if (!wellFormed) refuse();
  return { op, v, residentId, nonce, signedAt, keyVersion: keyVersion as number, newPublicKey };
}

/** Positive, with no superfluous leading zero byte. */
function isMinimal(length: number, first = 0x80, second = 0): boolean {
  return first < 0x80 && (first !== 0 || length === 1 || second >= 0x80);
}

/** A DER INTEGER at byte `at` in minimal form; the byte after it, or -1. */
function integerEnd(bytes: readonly number[], at: number): number {
  const length = bytes[at + 1] ?? 0;
  const wellFormed = bytes[at] === 0x02 && length >= 1 && length <= 33;
  return wellFormed && isMinimal(length, bytes[at + 2], bytes[at + 3]) ? at + 2 + length : -1;
}

/** SEQUENCE { INTEGER r, INTEGER s } with exact lengths, minimal: the one encoding the chaincode accepts. */
function isStrictDer(hex: string): boolean {
  if (!SM2_SIGNATURE.test(hex)) return false;
  const bytes = Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  if (bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return false;
  const sAt = integerEnd(bytes, 2);
  return sAt > 0 && integerEnd(bytes, sAt) === bytes.length;
}

/** Whether the signature verifies; a public key that is no point of the curve does not. */
function verifies(payload: RecoverKeyPayload, signature: string): boolean {
  try {
    return verifyMessage(canonicalJson(payload), signature, payload.newPublicKey);
  } catch {
    return false;
  }
}

/** A signed recovery whose signature verifies under the new key it names, or a refusal. */
export function checkedRecovery(body: SignedBody): RecoveryCode {
  const payload = recoveryPayload(body.payload);
  if (!isStrictDer(body.signature) || !verifies(payload, body.signature)) refuse();
  return { payload, signature: body.signature };
}

export function encodeRecoveryCode(code: RecoveryCode): string {
  const { residentId, keyVersion, nonce, signedAt, newPublicKey } = code.payload;
  return `${RECOVERY_CODE_PREFIX}${[residentId, keyVersion, nonce, signedAt, newPublicKey, code.signature].join('/')}`;
}

/** The recovery a pasted or scanned code carries (white space ignored), checked; otherwise a refusal. */
export function decodeRecoveryCode(text: string): RecoveryCode {
  const compact = text.replace(/\s+/g, '');
  if (!compact.startsWith(RECOVERY_CODE_PREFIX)) refuse();
  const parts = compact.slice(RECOVERY_CODE_PREFIX.length).split('/');
  if (parts.length !== 6) refuse();
  const [residentId, version, nonce, signedAt, newPublicKey, signature] = parts;
  if (version === undefined || !/^[1-9]\d{0,15}$/.test(version)) refuse();
  const payload = {
    op: SIGNED_OPERATIONS.RECOVER,
    v: SIGNING_VERSION,
    residentId,
    nonce,
    signedAt,
    keyVersion: Number(version),
    newPublicKey,
  };
  return checkedRecovery({ payload, signature: signature ?? '' });
}

/** The last moment the chaincode accepts the recovery: the signing time plus the signing window. */
export function recoveryDeadline(code: RecoveryCode): Date {
  return new Date(Date.parse(code.payload.signedAt) + SIGNATURE_MAX_AGE_SECONDS * 1000);
}

/** The counter's form: the pasted or scanned code, the reason, and the staff member's word. */
export interface RecoveryFormModel {
  code: string;
  reason: string;
  identityChecked: boolean;
}

function refuseWith(key: 'keyRecovery.identityRequired' | 'keyRecovery.reasonRequired' | 'recover.expired'): never {
  throw new InputError(() => t(key));
}

/** What staff submit: a sound, unexpired code and a reason, once they say they checked the resident's identity. */
export function readRecoveryForm(form: RecoveryFormModel, now: Date): SignedBody & { readonly reason: string } {
  const code = decodeRecoveryCode(form.code);
  if (recoveryDeadline(code).getTime() <= now.getTime()) refuseWith('recover.expired');
  const reason = form.reason.trim();
  if (reason === '') refuseWith('keyRecovery.reasonRequired');
  if (!form.identityChecked) refuseWith('keyRecovery.identityRequired');
  return { payload: { ...code.payload }, signature: code.signature, reason };
}
