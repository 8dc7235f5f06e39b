/**
 * Resident consent (授权): the resident's SM2 key registered to a pseudonymous id, and the grants
 * the resident signs with it. Residents have no Fabric identity: the gateway submits on their
 * behalf, and the chaincode believes an operation only because the resident's SM2 signature over
 * the operation's canonical encoding verifies under the resident's current key.
 */
import { HEX64 } from './fields';
import type { HealthRecordType } from './health-records';
import { findOrg, type OrgKind } from './orgs';
import {
  BREAK_GLASS_PREFERENCES_MEMBERS,
  POLICY_PREFERENCES_MEMBERS,
  SOURCE_ORG_PREFERENCES_MEMBERS,
} from './policies';

/** The resident's pseudonymous id (EMPI pseudonym, e.g. HMAC-SM3 of the ID number): HEX64. */
export const RESIDENT_ID = HEX64;

/** An uncompressed SM2 public key in lowercase hexadecimal: `04` || X (32 bytes) || Y (32 bytes). */
export const SM2_PUBLIC_KEY = /^04[0-9a-f]{128}$/;

/**
 * An SM2 signature, DER-encoded (`SEQUENCE { INTEGER r, INTEGER s }`, what OpenSSL writes) in
 * lowercase hexadecimal: 8..72 bytes. The chaincode accepts only the strict (minimal) DER form.
 */
export const SM2_SIGNATURE = /^30(?:[0-9a-f]{2}){7,71}$/;

/** The SM2 distinguishing identifier (user id) of every resident signature: the standard's default. */
export const SM2_USER_ID = '1234567812345678';

/** A single-use value chosen by the resident's device: 16 random bytes, lowercase hexadecimal. */
export const NONCE = /^[0-9a-f]{32}$/;

/** Grant and referral ids: 1..64 letters, digits, ".", "_", ":" or "-" (a UUID fits). */
export const GRANT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const REFERRAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** `scope.fields` may be exactly this one value: every field of the records in scope. */
export const ALL_FIELDS = '*';

/**
 * How far the signing time (`signedAt`) may lie behind / ahead of the transaction time. A signed
 * operation not submitted within this window must be signed again; its nonce stops replays inside it.
 */
export const SIGNATURE_MAX_AGE_SECONDS = 600;
export const SIGNATURE_MAX_AHEAD_SECONDS = 120;

/** Bounds on a grant's scope lists and on its use limit. */
export const CONSENT_LIMITS = {
  recordIds: 100,
  fields: 64,
  useLimit: 1_000_000,
} as const;

export const CONSENT_PURPOSES = ['TREATMENT', 'REFERRAL', 'INSURANCE_CLAIM', 'RESEARCH', 'EMERGENCY'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * ACTIVE: in force between notBefore and notAfter; REVOKED by the resident; EXPIRED: past notAfter
 * (derived from the time of reading, never written); ENDED: its referral was closed.
 */
export const GRANT_STATUSES = ['ACTIVE', 'REVOKED', 'EXPIRED', 'ENDED'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** GRANT, CHANGE, REVOKE: signed by the resident; END: the grantee institution closed the referral. */
export const CONSENT_OPERATIONS = ['GRANT', 'CHANGE', 'REVOKE', 'END'] as const;
export type ConsentOperation = (typeof CONSENT_OPERATIONS)[number];

/** REGISTER and ROTATE are signed by the resident; RECOVER is an authority's, with a reason. */
export const RESIDENT_KEY_OPERATIONS = ['REGISTER', 'ROTATE', 'RECOVER'] as const;
export type ResidentKeyOperation = (typeof RESIDENT_KEY_OPERATIONS)[number];

/** The `op` member of each signed payload: the domain separation between kinds of operation. */
export const SIGNED_OPERATIONS = {
  REGISTER: 'resident-key.register',
  ROTATE: 'resident-key.rotate',
  RECOVER: 'resident-key.recover',
  GRANT: 'consent.grant',
  CHANGE: 'consent.change',
  REVOKE: 'consent.revoke',
  /** The resident's narrowing of the general policies (see policies.ts). */
  POLICIES: 'consent.policies',
} as const;
export type SignedOperation = (typeof SIGNED_OPERATIONS)[keyof typeof SIGNED_OPERATIONS];

/** The version of the signed encoding (`v`). */
export const SIGNING_VERSION = 1;

/** The members every signed payload starts with. */
export const SIGNED_HEADER_MEMBERS = ['op', 'v', 'residentId', 'nonce', 'signedAt'] as const;

/** The members of each signed payload after the header; all required, no others accepted. */
export const SIGNED_PAYLOAD_MEMBERS = {
  'resident-key.register': ['publicKey'],
  'resident-key.rotate': ['keyVersion', 'newPublicKey'],
  'resident-key.recover': ['keyVersion', 'newPublicKey'],
  'consent.grant': ['keyVersion', 'grant'],
  'consent.change': ['keyVersion', 'grantId', 'version', 'terms'],
  'consent.revoke': ['keyVersion', 'grantId', 'version'],
  'consent.policies': ['keyVersion', 'version', 'preferences'],
} as const satisfies Record<SignedOperation, readonly string[]>;

/** Members of the nested objects: `terms` (change), `grant` (grant), `scope` and `grantee`. */
export const CONSENT_TERMS_MEMBERS = [
  'scope',
  'notBefore',
  'notAfter',
  'useLimit',
] as const satisfies readonly (keyof ConsentTerms)[];
export const GRANT_TERMS_MEMBERS = [
  'grantId',
  'grantee',
  'purpose',
  'referralId',
  ...CONSENT_TERMS_MEMBERS,
] as const satisfies readonly (keyof GrantTerms)[];
export const SCOPE_MEMBERS = ['recordTypes', 'recordIds', 'fields'] as const satisfies readonly (keyof ConsentScope)[];
export const GRANTEE_MEMBERS = ['mspId', 'doctorId'] as const satisfies readonly (keyof Grantee)[];

function membersInWords(): string {
  const ops = Object.entries(SIGNED_PAYLOAD_MEMBERS).map(([op, extra]) => `${op}: ${extra.join(', ')}`);
  return (
    `Members after op, v, residentId, nonce, signedAt: ${ops.join('; ')}. grant: ${GRANT_TERMS_MEMBERS.join(', ')}; ` +
    `terms: ${CONSENT_TERMS_MEMBERS.join(', ')}; scope: ${SCOPE_MEMBERS.join(', ')}; grantee: ${GRANTEE_MEMBERS.join(', ')}; ` +
    `preferences: ${POLICY_PREFERENCES_MEMBERS.join(', ')}; sourceOrg: ${SOURCE_ORG_PREFERENCES_MEMBERS.join(', ')}; ` +
    `breakGlass: ${BREAK_GLASS_PREFERENCES_MEMBERS.join(', ')}. `
  );
}

/**
 * The encoding a resident signs, in words, for the API description. Keep it in step with the
 * chaincode's verification (tests sign by this text with OpenSSL).
 */
export const CONSENT_SIGNING_DESCRIPTION = [
  'Every resident-signed operation (register, rotate and recover a key; grant, change and revoke a consent) ',
  'carries `payload`, a JSON object, and `signature`. The signed bytes are the UTF-8 encoding of the ',
  'canonical JSON of `payload`: object members sorted by their names compared as UTF-16 code units, ',
  'no white space, strings escaped as JSON.stringify escapes them, integers without fraction or exponent, ',
  'arrays in their given order; every member listed for the operation present (null where allowed, ',
  'never omitted) and no other member. The payload starts with its domain separation: `op` is one of ',
  '"resident-key.register", "resident-key.rotate", "resident-key.recover", "consent.grant", ',
  '"consent.change", "consent.revoke", "consent.policies", and `v` is 1. It also names `residentId` (64 lowercase hex), ',
  '`nonce` (32 lowercase hex, never used before by this resident) and `signedAt` (ISO-8601 UTC with ',
  `milliseconds, at most ${SIGNATURE_MAX_AGE_SECONDS} s before and ${SIGNATURE_MAX_AHEAD_SECONDS} s after the `,
  'transaction time); the operations made with an existing key name its `keyVersion`, which must be the ',
  'current one. The signature is SM2 (GB/T 32918.2) with SM3, the distinguishing identifier ',
  `"${SM2_USER_ID}" (Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), e = SM3(Z || message)), `,
  'DER-encoded as SEQUENCE { INTEGER r, INTEGER s } in strict minimal form, in lowercase hexadecimal. ',
  'OpenSSL 3: `openssl pkeyutl -sign -rawin -digest sm3 -inkey key.pem -pkeyopt distid:1234567812345678 ',
  '-in payload.json` (OpenSSL 3.0 uses an empty identifier unless distid is given); sm-crypto: ',
  "`sm2.doSignature(bytes, privateKey, { hash: true, der: true })`. Public keys are uncompressed: '04' || X || Y, ",
  '130 lowercase hexadecimal characters. ',
  membersInWords(),
  'register is signed by the key being registered; rotate by the current key (`signature`) and by the new key ',
  '(`newKeySignature`) over the same bytes; recover by the new key.',
].join('');

/** Who a grant is for: an institution (member MSP id), optionally one doctor (user id) of it. */
export interface Grantee {
  readonly mspId: string;
  /** The doctor's user id at that institution; null: anyone of the institution. */
  readonly doctorId: string | null;
}

export interface ConsentScope {
  /** At least one type. */
  readonly recordTypes: readonly HealthRecordType[];
  /** Specific records only; empty: every record of `recordTypes`. */
  readonly recordIds: readonly string[];
  /** Field paths that may be released, or exactly [ALL_FIELDS]. */
  readonly fields: readonly string[];
}

/** What a resident may adjust with `consent:Change`: the scope, the validity window and the use limit. */
export interface ConsentTerms {
  readonly scope: ConsentScope;
  /** ISO-8601 UTC with milliseconds; access is allowed from notBefore up to, not including, notAfter. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** At most this many accesses; null: no limit. */
  readonly useLimit: number | null;
}

/** A new grant's terms; grantee, purpose and referral stay as granted. */
export interface GrantTerms extends ConsentTerms {
  readonly grantId: string;
  readonly grantee: Grantee;
  readonly purpose: ConsentPurpose;
  /** The referral whose closing ends the grant; required for REFERRAL, optional otherwise. */
  readonly referralId: string | null;
}

/** The members every signed payload starts with. */
export interface SignedHeader<Op extends SignedOperation> {
  readonly op: Op;
  readonly v: typeof SIGNING_VERSION;
  readonly residentId: string;
  readonly nonce: string;
  readonly signedAt: string;
}

/** Signed by the key being registered (proof of possession). */
export interface RegisterKeyPayload extends SignedHeader<'resident-key.register'> {
  readonly publicKey: string;
}

/** Signed by the current key (`signature`) and by the new key (`newKeySignature`). */
export interface RotateKeyPayload extends SignedHeader<'resident-key.rotate'> {
  readonly keyVersion: number;
  readonly newPublicKey: string;
}

/** Signed by the new key; `keyVersion` names the lost key it replaces. */
export interface RecoverKeyPayload extends SignedHeader<'resident-key.recover'> {
  readonly keyVersion: number;
  readonly newPublicKey: string;
}

export interface GrantPayload extends SignedHeader<'consent.grant'> {
  readonly keyVersion: number;
  readonly grant: GrantTerms;
}

/** `version`: the grant's current version, so a change signed against an older one is refused. */
export interface ChangePayload extends SignedHeader<'consent.change'> {
  readonly keyVersion: number;
  readonly grantId: string;
  readonly version: number;
  readonly terms: ConsentTerms;
}

export interface RevokePayload extends SignedHeader<'consent.revoke'> {
  readonly keyVersion: number;
  readonly grantId: string;
  readonly version: number;
}

export interface Signed<P> {
  readonly payload: P;
  /** DER hex, see CONSENT_SIGNING_DESCRIPTION. */
  readonly signature: string;
}

/** By an authority (health commission or hospital) that verified the resident's identity off chain. */
export interface RegisterResidentKeyInput extends Signed<RegisterKeyPayload> {
  readonly actor: string;
}

export interface RotateResidentKeyInput extends Signed<RotateKeyPayload> {
  readonly newKeySignature: string;
}

/** Loss recovery by an authority; `signature` is the new key's, `reason` is recorded. */
export interface RecoverResidentKeyInput extends Signed<RecoverKeyPayload> {
  readonly actor: string;
  readonly reason: string;
}

export type GrantConsentInput = Signed<GrantPayload>;
export type ChangeConsentInput = Signed<ChangePayload>;
export type RevokeConsentInput = Signed<RevokePayload>;

/** The grantee institution reports its referral closed: the resident's grants naming it end. */
export interface EndReferralInput {
  readonly residentId: string;
  readonly referralId: string;
  readonly actor: string;
}

/** Who submitted an operation and, for signed ones, the signature that authorised it. */
export interface ConsentOperationRecord {
  readonly operation: ConsentOperation;
  /** The organisation that submitted the transaction. */
  readonly mspId: string;
  /** The submitting user for END; "" for resident-signed operations. */
  readonly actor: string;
  readonly timestamp: string;
  readonly txId: string;
  /** The signing key's version, nonce, time and signature; 0 and "" for END. */
  readonly keyVersion: number;
  readonly nonce: string;
  readonly signedAt: string;
  readonly signature: string;
}

/** A grant as stored under the composite key `consent-grant` [residentId, grantId]. */
export interface ConsentGrant extends GrantTerms {
  readonly residentId: string;
  /** Accesses counted against `useLimit`. */
  readonly uses: number;
  readonly status: GrantStatus;
  /** 1 when granted, +1 with every change. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastOperation: ConsentOperationRecord;
}

export interface ResidentKeyOperationRecord {
  readonly operation: ResidentKeyOperation;
  readonly mspId: string;
  /** The authority's user for REGISTER and RECOVER; "" for ROTATE. */
  readonly actor: string;
  readonly timestamp: string;
  readonly txId: string;
  readonly nonce: string;
  /** Why the key was replaced without the old key (RECOVER); "" otherwise. */
  readonly reason: string;
}

/** The resident's current key under `resident-key` [residentId]; earlier versions are in its history. */
export interface ResidentKey {
  readonly residentId: string;
  readonly publicKey: string;
  /** 1 when registered, +1 with every rotation or recovery. */
  readonly keyVersion: number;
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly lastOperation: ResidentKeyOperationRecord;
}

/** One committed version, oldest first, as the history transactions return it. */
export interface HistoryEntry<T> {
  readonly txId: string;
  readonly timestamp: string;
  readonly isDelete: boolean;
  readonly value: T | null;
}

/** An access about to happen, as the access contract will put it to `checkAccess`. */
export interface AccessRequest {
  readonly residentId: string;
  /** The requesting institution and user. */
  readonly mspId: string;
  readonly userId: string;
  readonly purpose: ConsentPurpose;
  readonly recordType: HealthRecordType;
  readonly recordId: string;
  /** The fields asked for (never ALL_FIELDS). */
  readonly fields: readonly string[];
}

/** Stable reasons for refusing an access, in the order they are checked. */
export const ACCESS_REFUSALS = [
  'RESIDENT_MISMATCH',
  'GRANT_REVOKED',
  'GRANT_ENDED',
  'GRANT_NOT_YET_VALID',
  'GRANT_EXPIRED',
  'GRANTEE_MISMATCH',
  'PURPOSE_MISMATCH',
  'RECORD_TYPE_OUT_OF_SCOPE',
  'RECORD_OUT_OF_SCOPE',
  'FIELDS_OUT_OF_SCOPE',
  'USE_LIMIT_REACHED',
] as const;
export type AccessRefusal = (typeof ACCESS_REFUSALS)[number];

/** Allowed: only `fields` may be released; `withheldFields` were asked for but are outside the scope. */
export type AccessDecision =
  | {
      readonly allowed: true;
      readonly grantId: string;
      readonly fields: readonly string[];
      readonly withheldFields: readonly string[];
    }
  | { readonly allowed: false; readonly grantId: string; readonly reason: AccessRefusal };

export const CONSENT_EVENTS = {
  GRANT: 'ConsentGranted',
  CHANGE: 'ConsentChanged',
  REVOKE: 'ConsentRevoked',
  END: 'ConsentEnded',
} as const satisfies Record<ConsentOperation, string>;

export const RESIDENT_KEY_EVENTS = {
  REGISTER: 'ResidentKeyRegistered',
  ROTATE: 'ResidentKeyRotated',
  RECOVER: 'ResidentKeyRecovered',
} as const satisfies Record<ResidentKeyOperation, string>;

/** Every consent event's payload: the grants the operation changed, as stored after it. */
export interface ConsentEvent {
  readonly operation: ConsentOperation;
  readonly txId: string;
  readonly timestamp: string;
  readonly grants: readonly ConsentGrant[];
}

export interface ResidentKeyEvent {
  readonly operation: ResidentKeyOperation;
  readonly txId: string;
  readonly timestamp: string;
  readonly key: ResidentKey;
}

/** Org kinds that may register a resident's key or recover it after a loss. */
export const RESIDENT_KEY_AUTHORITY_KINDS = ['health-commission', 'hospital'] as const satisfies readonly OrgKind[];

/** The health commission and hospitals verify residents in person and so register and recover their keys. */
export function mayManageResidentKeys(mspId: string): boolean {
  const kind = findOrg(mspId)?.kind;
  return kind !== undefined && (RESIDENT_KEY_AUTHORITY_KINDS as readonly OrgKind[]).includes(kind);
}
