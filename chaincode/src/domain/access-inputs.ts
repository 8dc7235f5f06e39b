/** Parsers of the access contract's arguments, and checks of what it reads back. */
import {
  ACCESS_ANCHOR_ID,
  ACCESS_ANCHOR_MAX,
  ACCESS_FIELDS_MAX,
  ACCESS_ID,
  ACTOR,
  ALL_FIELDS,
  BREAK_GLASS_REASON_MAX,
  BREAK_GLASS_REASON_MIN,
  CONSENT_PURPOSES,
  HEX64,
  RECORD_FIELD,
  type AccessAnchor,
  type AnchorAccessLogInput,
  type DecideAccessInput,
} from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import { describeType, expectHex64, expectIsoTimestamp, expectOneOf, expectPattern, expectText } from './fields';
import { decodeJsonArgument } from './invoice';
import { parseGrantId } from './consent-inputs';
import { parseRecordId } from './records';
import { openObject } from './signed-inputs';

const DECIDE_MEMBERS = [
  'requestId',
  'recordId',
  'userId',
  'purpose',
  'fields',
  'grantId',
  'breakGlassReason',
] as const satisfies readonly (keyof DecideAccessInput)[];

const ANCHOR_MEMBERS = ['anchorId', 'accessIds', 'leaves'] as const satisfies readonly (keyof AnchorAccessLogInput)[];

/** An array of `min..max` distinct strings, each parsed by `parse`. */
function parseDistinct(
  value: unknown,
  path: string,
  max: number,
  parse: (item: unknown, at: string) => string,
): string[] {
  if (!Array.isArray(value)) throw invalidArgument(path, `must be an array, got ${describeType(value)}`);
  if (value.length < 1 || value.length > max) throw invalidArgument(path, `must hold 1..${max} entries`);
  const items = value.map((item: unknown, index) => parse(item, `${path}[${index}]`));
  const repeated = items.findIndex((item, index) => items.indexOf(item) !== index);
  if (repeated >= 0) throw invalidArgument(`${path}[${repeated}]`, 'repeats an earlier entry');
  return items;
}

function parseField(value: unknown, path: string): string {
  if (value === ALL_FIELDS) throw invalidArgument(path, 'must name a field; "*" is for grants only');
  return expectPattern(value, path, RECORD_FIELD, 'a field path such as diagnosis or labResults.value');
}

function nullable<T>(value: unknown, parse: (v: unknown) => T): T | null {
  return value === null ? null : parse(value);
}

function parseRequestId(value: unknown, path = 'requestId'): string {
  return expectPattern(value, path, ACCESS_ID, 'a lowercase UUID');
}

export function parseDecideInputJson(text: unknown): DecideAccessInput {
  const field = openObject(decodeJsonArgument(text), 'input', DECIDE_MEMBERS);
  return {
    requestId: parseRequestId(field('requestId')),
    recordId: parseRecordId(field('recordId')),
    userId: expectPattern(field('userId'), 'userId', ACTOR, 'a user id'),
    purpose: expectOneOf(field('purpose'), 'purpose', CONSENT_PURPOSES),
    fields: parseDistinct(field('fields'), 'fields', ACCESS_FIELDS_MAX, parseField),
    grantId: nullable(field('grantId'), (v) => parseGrantId(v)),
    breakGlassReason: nullable(field('breakGlassReason'), (v) =>
      expectText(v, 'breakGlassReason', BREAK_GLASS_REASON_MIN, BREAK_GLASS_REASON_MAX),
    ),
  };
}

export function parseRequestIdArgument(value: unknown): string {
  return parseRequestId(value);
}

export function parseAnchorId(value: unknown, path = 'anchorId'): string {
  return expectPattern(value, path, ACCESS_ANCHOR_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"');
}

function parseAnchorMembers(field: (key: string) => unknown): AnchorAccessLogInput {
  const accessIds = parseDistinct(field('accessIds'), 'accessIds', ACCESS_ANCHOR_MAX, parseRequestId);
  const leaves = field('leaves');
  if (!Array.isArray(leaves) || leaves.length !== accessIds.length) {
    throw invalidArgument('leaves', 'must be an array with one leaf per access id');
  }
  return {
    anchorId: parseAnchorId(field('anchorId')),
    accessIds,
    leaves: leaves.map((leaf: unknown, index) => expectHex64(leaf, `leaves[${index}]`)),
  };
}

export function parseAnchorInputJson(text: unknown): AnchorAccessLogInput {
  return parseAnchorMembers(openObject(decodeJsonArgument(text, 200_000), 'input', ANCHOR_MEMBERS));
}

/** Checks an anchor read back from the ledger. */
export function parseStoredAnchor(value: unknown): AccessAnchor {
  const field = openObject(value, 'anchor', [...ANCHOR_MEMBERS, 'mspId', 'count', 'root', 'txId', 'timestamp']);
  const members = parseAnchorMembers(field);
  const count = field('count');
  if (count !== members.accessIds.length) throw invalidArgument('count', 'must be the number of leaves');
  return {
    ...members,
    mspId: expectPattern(field('mspId'), 'mspId', /^[A-Za-z0-9.-]{1,64}$/, 'an MSP id'),
    count: members.accessIds.length,
    root: expectPattern(field('root'), 'root', HEX64, '64 lowercase hexadecimal characters'),
    txId: expectText(field('txId'), 'txId', 1, 128),
    timestamp: expectIsoTimestamp(field('timestamp'), 'timestamp'),
  };
}
