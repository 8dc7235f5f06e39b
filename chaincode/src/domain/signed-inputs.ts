/**
 * Parsing primitives of resident-signed inputs: the payload's header (domain separation, resident,
 * nonce, signing time, key version), keys and signatures. Parsers rebuild the payload member by
 * member, so the canonical encoding the chaincode verifies is exactly what it stores.
 */
import {
  NONCE,
  RESIDENT_ID,
  SIGNED_HEADER_MEMBERS,
  SIGNED_PAYLOAD_MEMBERS,
  SIGNING_VERSION,
  SM2_SIGNATURE,
  type SignedOperation,
} from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import {
  type UnknownRecord,
  expectPattern,
  expectIsoTimestamp,
  expectRecord,
  rejectUnknownFields,
  requiredField,
} from './fields';
import { decodeJsonArgument } from './invoice';
import { isSm2PublicKey } from './sm2';

export type Field = (key: string) => unknown;

/** Opens a JSON argument holding exactly `allowed` members (each required). */
export function openInput(text: unknown, allowed: readonly string[]): Field {
  const record = decodeJsonArgument(text);
  rejectUnknownFields(record, allowed, '');
  return (key) => requiredField(record, key, '');
}

/** Opens the object at `path` holding exactly `allowed` members (each required). */
export function openObject(value: unknown, path: string, allowed: readonly string[]): Field {
  const record: UnknownRecord = expectRecord(value, path);
  rejectUnknownFields(record, allowed, path);
  return (key) => requiredField(record, key, path);
}

export function parseResidentId(value: unknown, path = 'residentId'): string {
  return expectPattern(value, path, RESIDENT_ID, 'a resident pseudonym of 64 lowercase hexadecimal characters');
}

export function parseSignature(value: unknown, path = 'signature'): string {
  return expectPattern(value, path, SM2_SIGNATURE, 'a DER-encoded SM2 signature in lowercase hexadecimal');
}

export function parsePublicKey(value: unknown, path: string): string {
  const key = expectPattern(value, path, /^[0-9a-f]+$/, 'lowercase hexadecimal');
  if (!isSm2PublicKey(key)) {
    throw invalidArgument(path, "must be an uncompressed SM2 public key ('04' || X || Y) on the SM2 curve");
  }
  return key;
}

/** A positive safe integer (key versions, grant versions). */
export function parseVersion(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument(path, 'must be a positive integer');
  }
  return value;
}

export interface Header<Op extends SignedOperation> {
  readonly op: Op;
  readonly v: typeof SIGNING_VERSION;
  readonly residentId: string;
  readonly nonce: string;
  readonly signedAt: string;
}

/** The header members every payload has; `op` must be the transaction's own. */
export function parseHeader<Op extends SignedOperation>(field: Field, op: Op): Header<Op> {
  if (field('op') !== op) throw invalidArgument('payload.op', `must be ${JSON.stringify(op)} for this transaction`);
  if (field('v') !== SIGNING_VERSION) throw invalidArgument('payload.v', `must be ${SIGNING_VERSION}`);
  return {
    op,
    v: SIGNING_VERSION,
    residentId: parseResidentId(field('residentId'), 'payload.residentId'),
    nonce: expectPattern(field('nonce'), 'payload.nonce', NONCE, '32 lowercase hexadecimal characters'),
    signedAt: expectIsoTimestamp(field('signedAt'), 'payload.signedAt'),
  };
}

/** The input's `payload`, holding exactly the members the vocabulary lists for `op`. */
export function openPayload(field: Field, op: SignedOperation): Field {
  return openObject(field('payload'), 'payload', [...SIGNED_HEADER_MEMBERS, ...SIGNED_PAYLOAD_MEMBERS[op]]);
}
