/** Checks of access rulings read back from the ledger (failures become INTERNAL in the ledger layer). */
import {
  ACCESS_BASES,
  ACCESS_POLICY_REFUSALS,
  ACCESS_REFUSALS,
  CONSENT_PURPOSES,
  HEALTH_RECORD_TYPES,
  type AccessOutcomeReason,
  type AccessRuling,
} from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import { expectHex64, expectIsoTimestamp, expectOneOf, expectString } from './fields';
import { openObject } from './signed-inputs';

const RULING_MEMBERS = [
  'requestId',
  'recordId',
  'residentId',
  'recordType',
  'sourceOrg',
  'digest',
  'mspId',
  'userId',
  'purpose',
  'requestedFields',
  'grantId',
  'breakGlass',
  'breakGlassReason',
  'basis',
  'allowed',
  'fields',
  'withheldFields',
  'reason',
  'txId',
  'timestamp',
] as const satisfies readonly (keyof AccessRuling)[];

const REASONS: readonly AccessOutcomeReason[] = [...ACCESS_REFUSALS, ...ACCESS_POLICY_REFUSALS];

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw invalidArgument(path, 'must be an array');
  return value.map((item: unknown, index) => expectString(item, `${path}[${index}]`));
}

function nullableString(value: unknown, path: string): string | null {
  return value === null ? null : expectString(value, path);
}

function flag(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(path, 'must be a boolean');
  return value;
}

function parseIdentity(field: (key: string) => unknown) {
  return {
    requestId: expectString(field('requestId'), 'requestId'),
    recordId: expectString(field('recordId'), 'recordId'),
    residentId: expectHex64(field('residentId'), 'residentId'),
    recordType: expectOneOf(field('recordType'), 'recordType', HEALTH_RECORD_TYPES),
    sourceOrg: expectString(field('sourceOrg'), 'sourceOrg'),
    digest: expectHex64(field('digest'), 'digest'),
    mspId: expectString(field('mspId'), 'mspId'),
    userId: expectString(field('userId'), 'userId'),
    purpose: expectOneOf(field('purpose'), 'purpose', CONSENT_PURPOSES),
    txId: expectString(field('txId'), 'txId'),
    timestamp: expectIsoTimestamp(field('timestamp'), 'timestamp'),
  };
}

export function parseStoredRuling(value: unknown): AccessRuling {
  const field = openObject(value, 'ruling', RULING_MEMBERS);
  const reason = field('reason');
  return {
    ...parseIdentity(field),
    requestedFields: strings(field('requestedFields'), 'requestedFields'),
    grantId: nullableString(field('grantId'), 'grantId'),
    breakGlass: flag(field('breakGlass'), 'breakGlass'),
    breakGlassReason: nullableString(field('breakGlassReason'), 'breakGlassReason'),
    basis: expectOneOf(field('basis'), 'basis', ACCESS_BASES),
    allowed: flag(field('allowed'), 'allowed'),
    fields: strings(field('fields'), 'fields'),
    withheldFields: strings(field('withheldFields'), 'withheldFields'),
    reason: reason === null ? null : expectOneOf(reason, 'reason', REASONS),
  };
}
