/** Parsers for the consent contract's grant, change, revoke and end-of-referral arguments. */
import {
  ACTOR,
  ALL_FIELDS,
  CONSENT_LIMITS,
  CONSENT_TERMS_MEMBERS,
  CONSENT_PURPOSES,
  GRANT_ID,
  GRANTEE_MEMBERS,
  GRANT_TERMS_MEMBERS,
  HEALTH_RECORD_TYPES,
  RECORD_FIELD,
  RECORD_ID,
  REFERRAL_ID,
  SCOPE_MEMBERS,
  type ChangeConsentInput,
  type ConsentScope,
  type ConsentTerms,
  type EndReferralInput,
  type GrantConsentInput,
  type GrantTerms,
  type Grantee,
  type RevokeConsentInput,
} from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import { describeType, expectIsoTimestamp, expectOneOf, expectPattern } from './fields';
import { parseMemberMsp } from './registry';
import {
  type Field,
  openInput,
  openObject,
  openPayload,
  parseHeader,
  parseResidentId,
  parseSignature,
  parseVersion,
} from './signed-inputs';

export function parseGrantId(value: unknown, path = 'grantId'): string {
  return expectPattern(value, path, GRANT_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"');
}

function parseReferralId(value: unknown, path: string): string {
  return expectPattern(value, path, REFERRAL_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"');
}

/** An array of `min..max` distinct elements, each parsed by `parse`. */
function parseList<T>(
  value: unknown,
  path: string,
  min: number,
  max: number,
  parse: (v: unknown, p: string) => T,
): T[] {
  if (!Array.isArray(value)) throw invalidArgument(path, `must be an array, got ${describeType(value)}`);
  if (value.length < min || value.length > max) throw invalidArgument(path, `must hold ${min}..${max} entries`);
  const items = value.map((item: unknown, index) => parse(item, `${path}[${index}]`));
  const duplicate = items.findIndex((item, index) => items.indexOf(item) !== index);
  if (duplicate >= 0) throw invalidArgument(`${path}[${duplicate}]`, 'repeats an earlier entry');
  return items;
}

function parseField(value: unknown, path: string): string {
  return expectPattern(value, path, RECORD_FIELD, 'a field path such as "diagnosis" or "labResults.value"');
}

function parseFields(value: unknown, path: string): string[] {
  if (Array.isArray(value) && value.length === 1 && value[0] === ALL_FIELDS) return [ALL_FIELDS];
  return parseList(value, path, 1, CONSENT_LIMITS.fields, parseField);
}

function parseScope(value: unknown, path: string): ConsentScope {
  const field = openObject(value, path, SCOPE_MEMBERS);
  return {
    recordTypes: parseList(field('recordTypes'), `${path}.recordTypes`, 1, HEALTH_RECORD_TYPES.length, (v, p) =>
      expectOneOf(v, p, HEALTH_RECORD_TYPES),
    ),
    recordIds: parseList(field('recordIds'), `${path}.recordIds`, 0, CONSENT_LIMITS.recordIds, (v, p) =>
      expectPattern(v, p, RECORD_ID, 'a record id of 1..64 letters, digits, ".", "_", ":" or "-"'),
    ),
    fields: parseFields(field('fields'), `${path}.fields`),
  };
}

function parseUseLimit(value: unknown, path: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > CONSENT_LIMITS.useLimit) {
    throw invalidArgument(path, `must be null or an integer in 1..${CONSENT_LIMITS.useLimit}`);
  }
  return value;
}

function parseTermsOf(field: Field, path: string): ConsentTerms {
  const notBefore = expectIsoTimestamp(field('notBefore'), `${path}.notBefore`);
  const notAfter = expectIsoTimestamp(field('notAfter'), `${path}.notAfter`);
  if (notAfter <= notBefore) throw invalidArgument(`${path}.notAfter`, `must be after ${path}.notBefore`);
  return {
    scope: parseScope(field('scope'), `${path}.scope`),
    notBefore,
    notAfter,
    useLimit: parseUseLimit(field('useLimit'), `${path}.useLimit`),
  };
}

function parseGrantee(value: unknown, path: string): Grantee {
  const field = openObject(value, path, GRANTEE_MEMBERS);
  const doctorId = field('doctorId');
  return {
    mspId: parseMemberMsp(field('mspId'), `${path}.mspId`),
    doctorId: doctorId === null ? null : expectPattern(doctorId, `${path}.doctorId`, ACTOR, 'null or a user id'),
  };
}

export function parseGrantTerms(value: unknown, path: string): GrantTerms {
  const field = openObject(value, path, GRANT_TERMS_MEMBERS);
  const purpose = expectOneOf(field('purpose'), `${path}.purpose`, CONSENT_PURPOSES);
  const referral = field('referralId');
  if (referral === null && purpose === 'REFERRAL') {
    throw invalidArgument(`${path}.referralId`, 'is required for the purpose REFERRAL');
  }
  return {
    grantId: parseGrantId(field('grantId'), `${path}.grantId`),
    grantee: parseGrantee(field('grantee'), `${path}.grantee`),
    purpose,
    referralId: referral === null ? null : parseReferralId(referral, `${path}.referralId`),
    ...parseTermsOf(field, path),
  };
}

export function parseGrantInputJson(text: unknown): GrantConsentInput {
  const field = openInput(text, ['payload', 'signature']);
  const payload = openPayload(field, 'consent.grant');
  return {
    payload: {
      ...parseHeader(payload, 'consent.grant'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      grant: parseGrantTerms(payload('grant'), 'payload.grant'),
    },
    signature: parseSignature(field('signature')),
  };
}

export function parseChangeInputJson(text: unknown): ChangeConsentInput {
  const field = openInput(text, ['payload', 'signature']);
  const payload = openPayload(field, 'consent.change');
  return {
    payload: {
      ...parseHeader(payload, 'consent.change'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      grantId: parseGrantId(payload('grantId'), 'payload.grantId'),
      version: parseVersion(payload('version'), 'payload.version'),
      terms: parseTermsOf(openObject(payload('terms'), 'payload.terms', CONSENT_TERMS_MEMBERS), 'payload.terms'),
    },
    signature: parseSignature(field('signature')),
  };
}

export function parseRevokeInputJson(text: unknown): RevokeConsentInput {
  const field = openInput(text, ['payload', 'signature']);
  const payload = openPayload(field, 'consent.revoke');
  return {
    payload: {
      ...parseHeader(payload, 'consent.revoke'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      grantId: parseGrantId(payload('grantId'), 'payload.grantId'),
      version: parseVersion(payload('version'), 'payload.version'),
    },
    signature: parseSignature(field('signature')),
  };
}

export function parseEndReferralInputJson(text: unknown): EndReferralInput {
  const field = openInput(text, ['residentId', 'referralId', 'actor']);
  return {
    residentId: parseResidentId(field('residentId')),
    referralId: parseReferralId(field('referralId'), 'referralId'),
    actor: expectPattern(field('actor'), 'actor', ACTOR, 'a user name of 1..64 letters, digits, ".", "_", "@" or "-"'),
  };
}

/** The arguments of `ListGrantsByGrantee`: a member MSP id, and a doctor's user id or "" for none. */
export function parseGranteeQuery(mspId: unknown, doctorId: unknown): Grantee {
  return {
    mspId: parseMemberMsp(mspId, 'mspId'),
    doctorId: doctorId === '' ? null : expectPattern(doctorId, 'doctorId', ACTOR, '"" or a user id'),
  };
}
