/**
 * Small parsing primitives: each turns an `unknown` into a typed value or throws
 * `INVALID_ARGUMENT: <path> ...` naming the exact field path.
 */
import { CID, HEX64, ISO_TIMESTAMP, textProblem } from '@hdt/vocabulary';
import { invalidArgument } from './errors';

export type UnknownRecord = Readonly<Record<string, unknown>>;

/** `prefix.key`, or `key` at the top level. */
export function fieldPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a ${typeof value}`;
}

/** A JSON object (not null, not an array). */
export function expectRecord(value: unknown, path: string): UnknownRecord {
  if (!isRecord(value)) {
    throw invalidArgument(path, `must be a JSON object, got ${describeType(value)}`);
  }
  return value;
}

/** Rejects fields the schema does not know, so nothing unchecked reaches the ledger. */
export function rejectUnknownFields(record: UnknownRecord, allowed: readonly string[], prefix: string): void {
  const known = new Set(allowed);
  const unknown = Object.keys(record)
    .filter((key) => !known.has(key))
    .sort();
  const first = unknown[0];
  if (first !== undefined) {
    throw invalidArgument(fieldPath(prefix, first), 'is not an accepted field');
  }
}

/** The value of an own property, failing with `<path> is required` when absent. */
export function requiredField(record: UnknownRecord, key: string, prefix: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(record, key) || record[key] === undefined) {
    throw invalidArgument(fieldPath(prefix, key), 'is required');
  }
  return record[key];
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw invalidArgument(path, `must be a string, got ${describeType(value)}`);
  }
  return value;
}

/** A string matching `pattern` completely; `expected` describes the rule in the message. */
export function expectPattern(value: unknown, path: string, pattern: RegExp, expected: string): string {
  const text = expectString(value, path);
  if (!pattern.test(text)) {
    throw invalidArgument(path, `must be ${expected}`);
  }
  return text;
}

export function expectOneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = expectString(value, path);
  const match = allowed.find((candidate) => candidate === text);
  if (match === undefined) {
    throw invalidArgument(path, `must be one of ${allowed.join(', ')}`);
  }
  return match;
}

/**
 * Human-readable text by the vocabulary's one text rule: `min..max` characters (Unicode code
 * points), no control characters, bidirectional controls or lone surrogates, no leading or
 * trailing white space.
 */
export function expectText(value: unknown, path: string, min: number, max: number): string {
  const text = expectString(value, path);
  const problem = textProblem(text, min, max);
  if (problem !== undefined) throw invalidArgument(path, problem);
  return text;
}

export function expectHex64(value: unknown, path: string): string {
  return expectPattern(value, path, HEX64, '64 lowercase hexadecimal characters');
}

export function expectCid(value: unknown, path: string): string {
  return expectPattern(value, path, CID, 'an IPFS CID (CIDv0 "Qm..." or CIDv1 in base32, base36 or base58btc)');
}

export function expectIsoTimestamp(value: unknown, path: string): string {
  const text = expectPattern(value, path, ISO_TIMESTAMP, 'an ISO-8601 UTC timestamp with milliseconds');
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== text) {
    throw invalidArgument(path, 'must be a valid calendar date and time');
  }
  return text;
}
