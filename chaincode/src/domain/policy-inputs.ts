/**
 * Parsers of the resident's policy preferences: the signed `consent.policies` input and the
 * document read back from the ledger. Whatever parses here only narrows the general policies:
 * there is no member that adds a reader, and break-glass keeps its floor (see the vocabulary).
 */
import {
  ALL_FIELDS,
  BREAK_GLASS_FLOOR_FIELDS,
  BREAK_GLASS_FLOOR_TYPES,
  BREAK_GLASS_PREFERENCES_MEMBERS,
  HEALTH_RECORD_TYPES,
  POLICY_FIELDS_MAX,
  POLICY_PREFERENCES_MEMBERS,
  RECORD_FIELD,
  SOURCE_ORG_PREFERENCES_MEMBERS,
  findOrg,
  type BreakGlassPreferences,
  type PolicyOperationRecord,
  type PolicyPreferences,
  type ResidentPolicyPreferences,
  type SetPoliciesInput,
  type SourceOrgPreferences,
} from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import { describeType, expectIsoTimestamp, expectOneOf, expectPattern, expectText } from './fields';
import {
  openInput,
  openObject,
  openPayload,
  parseHeader,
  parseResidentId,
  parseSignature,
  parseVersion,
} from './signed-inputs';

/** An array of `min..max` distinct entries, each parsed by `parse`. */
function distinct<T>(value: unknown, path: string, max: number, parse: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) throw invalidArgument(path, `must be an array, got ${describeType(value)}`);
  if (value.length > max) throw invalidArgument(path, `must hold at most ${max} entries`);
  const items = value.map((item: unknown, index) => parse(item, `${path}[${index}]`));
  const repeated = items.findIndex((item, index) => items.indexOf(item) !== index);
  if (repeated >= 0) throw invalidArgument(`${path}[${repeated}]`, 'repeats an earlier entry');
  return items;
}

function parseHospital(value: unknown, path: string): string {
  const text = expectText(value, path, 1, 128);
  if (findOrg(text)?.kind !== 'hospital') {
    throw invalidArgument(path, `must name a hospital of the consortium, got ${JSON.stringify(text)}`);
  }
  return text;
}

function parseRecordType(value: unknown, path: string) {
  return expectOneOf(value, path, HEALTH_RECORD_TYPES);
}

function parseSourceOrg(value: unknown, path: string): SourceOrgPreferences {
  const field = openObject(value, path, SOURCE_ORG_PREFERENCES_MEMBERS);
  const notAfter = field('notAfter');
  return {
    excludedRecordTypes: distinct(
      field('excludedRecordTypes'),
      `${path}.excludedRecordTypes`,
      HEALTH_RECORD_TYPES.length,
      parseRecordType,
    ),
    excludedOrgs: distinct(field('excludedOrgs'), `${path}.excludedOrgs`, 16, parseHospital),
    notAfter: notAfter === null ? null : expectIsoTimestamp(notAfter, `${path}.notAfter`),
  };
}

/** The floor stays: every listed value must be present. */
function requireFloor(values: readonly string[], floor: readonly string[], path: string): void {
  const missing = floor.filter((value) => !values.includes(value));
  if (missing.length > 0) {
    throw invalidArgument(path, `must keep what emergencies always read: ${missing.join(', ')} missing`);
  }
}

function parseBreakGlassFields(value: unknown, path: string): string[] {
  if (Array.isArray(value) && value.length === 1 && value[0] === ALL_FIELDS) return [ALL_FIELDS];
  const fields = distinct(value, path, POLICY_FIELDS_MAX, (v, p) =>
    expectPattern(v, p, RECORD_FIELD, 'a field path such as "diagnosis", or the whole list ["*"]'),
  );
  requireFloor(fields, BREAK_GLASS_FLOOR_FIELDS, path);
  return fields;
}

function parseBreakGlass(value: unknown, path: string): BreakGlassPreferences {
  const field = openObject(value, path, BREAK_GLASS_PREFERENCES_MEMBERS);
  const recordTypes = distinct(
    field('recordTypes'),
    `${path}.recordTypes`,
    HEALTH_RECORD_TYPES.length,
    parseRecordType,
  );
  requireFloor(recordTypes, BREAK_GLASS_FLOOR_TYPES, `${path}.recordTypes`);
  return { recordTypes, fields: parseBreakGlassFields(field('fields'), `${path}.fields`) };
}

export function parsePolicyPreferences(value: unknown, path: string): PolicyPreferences {
  const field = openObject(value, path, POLICY_PREFERENCES_MEMBERS);
  return {
    sourceOrg: parseSourceOrg(field('sourceOrg'), `${path}.sourceOrg`),
    breakGlass: parseBreakGlass(field('breakGlass'), `${path}.breakGlass`),
  };
}

/** `version` is 0 before the first document. */
function parseDocumentVersion(value: unknown, path: string): number {
  return value === 0 ? 0 : parseVersion(value, path);
}

export function parseSetPoliciesInputJson(text: unknown): SetPoliciesInput {
  const field = openInput(text, ['payload', 'signature']);
  const payload = openPayload(field, 'consent.policies');
  return {
    payload: {
      ...parseHeader(payload, 'consent.policies'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      version: parseDocumentVersion(payload('version'), 'payload.version'),
      preferences: parsePolicyPreferences(payload('preferences'), 'payload.preferences'),
    },
    signature: parseSignature(field('signature')),
  };
}

const OPERATION_MEMBERS = [
  'mspId',
  'timestamp',
  'txId',
  'keyVersion',
  'nonce',
  'signedAt',
  'signature',
] as const satisfies readonly (keyof PolicyOperationRecord)[];

function parseOperation(value: unknown): PolicyOperationRecord {
  const field = openObject(value, 'lastOperation', OPERATION_MEMBERS);
  return {
    mspId: expectText(field('mspId'), 'lastOperation.mspId', 1, 128),
    timestamp: expectIsoTimestamp(field('timestamp'), 'lastOperation.timestamp'),
    txId: expectText(field('txId'), 'lastOperation.txId', 1, 256),
    keyVersion: parseVersion(field('keyVersion'), 'lastOperation.keyVersion'),
    nonce: expectText(field('nonce'), 'lastOperation.nonce', 1, 64),
    signedAt: expectIsoTimestamp(field('signedAt'), 'lastOperation.signedAt'),
    signature: parseSignature(field('signature'), 'lastOperation.signature'),
  };
}

/** Checks a document read back from the ledger (always a signed one: version 1 or more). */
export function parseStoredPolicyPreferences(value: unknown): ResidentPolicyPreferences {
  const field = openObject(value, 'policyPreferences', [
    'residentId',
    'preferences',
    'version',
    'updatedAt',
    'lastOperation',
  ]);
  return {
    residentId: parseResidentId(field('residentId')),
    preferences: parsePolicyPreferences(field('preferences'), 'preferences'),
    version: parseVersion(field('version'), 'version'),
    updatedAt: expectIsoTimestamp(field('updatedAt'), 'updatedAt'),
    lastOperation: parseOperation(field('lastOperation')),
  };
}
