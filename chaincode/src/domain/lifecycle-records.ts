/** Parsers for the lifecycle parts of a stored invoice: locks, reimbursements, the last operation. */
import {
  CLAIM_ID,
  INVOICE_OPERATIONS,
  LOCK_STATES,
  REASON_MAX,
  type InvoiceLock,
  type OperationRecord,
  type Reimbursement,
} from '@hdt/vocabulary';
import { parseFen } from './amounts';
import { invalidArgument } from './errors';
import {
  type UnknownRecord,
  expectIsoTimestamp,
  expectOneOf,
  expectPattern,
  expectRecord,
  expectString,
  expectText,
  fieldPath,
  rejectUnknownFields,
  requiredField,
} from './fields';

const LOCK_FIELDS = [
  'claimId',
  'holderMsp',
  'actor',
  'amount',
  'lockedAt',
  'expiresAt',
  'state',
  'closedAt',
] as const satisfies readonly (keyof InvoiceLock)[];
const REIMBURSEMENT_FIELDS = [
  'claimId',
  'payerMsp',
  'actor',
  'amount',
  'at',
  'txId',
] as const satisfies readonly (keyof Reimbursement)[];
const OPERATION_FIELDS = [
  'operation',
  'mspId',
  'actor',
  'timestamp',
  'txId',
  'reason',
] as const satisfies readonly (keyof OperationRecord)[];

export function parseClaimId(value: unknown, path = 'claimId'): string {
  return expectPattern(
    value,
    path,
    CLAIM_ID,
    '1..64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );
}

export function parseReason(value: unknown, path = 'reason'): string {
  return expectText(value, path, 1, REASON_MAX);
}

function fieldsOf(value: unknown, path: string, allowed: readonly string[]): (key: string) => unknown {
  const record: UnknownRecord = expectRecord(value, path);
  rejectUnknownFields(record, allowed, path);
  return (key) => requiredField(record, key, path);
}

function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidArgument(path, 'must be an array');
  return value;
}

function shortText(value: unknown, path: string): string {
  return expectText(value, path, 1, 256);
}

function parseLock(value: unknown, path: string): InvoiceLock {
  const field = fieldsOf(value, path, LOCK_FIELDS);
  const closedAt = expectString(field('closedAt'), fieldPath(path, 'closedAt'));
  return {
    claimId: parseClaimId(field('claimId'), fieldPath(path, 'claimId')),
    holderMsp: shortText(field('holderMsp'), fieldPath(path, 'holderMsp')),
    actor: shortText(field('actor'), fieldPath(path, 'actor')),
    amount: parseFen(field('amount'), fieldPath(path, 'amount'), 1),
    lockedAt: expectIsoTimestamp(field('lockedAt'), fieldPath(path, 'lockedAt')),
    expiresAt: expectIsoTimestamp(field('expiresAt'), fieldPath(path, 'expiresAt')),
    state: expectOneOf(field('state'), fieldPath(path, 'state'), LOCK_STATES),
    closedAt: closedAt === '' ? '' : expectIsoTimestamp(closedAt, fieldPath(path, 'closedAt')),
  };
}

function parseReimbursement(value: unknown, path: string): Reimbursement {
  const field = fieldsOf(value, path, REIMBURSEMENT_FIELDS);
  return {
    claimId: parseClaimId(field('claimId'), fieldPath(path, 'claimId')),
    payerMsp: shortText(field('payerMsp'), fieldPath(path, 'payerMsp')),
    actor: shortText(field('actor'), fieldPath(path, 'actor')),
    amount: parseFen(field('amount'), fieldPath(path, 'amount'), 1),
    at: expectIsoTimestamp(field('at'), fieldPath(path, 'at')),
    txId: shortText(field('txId'), fieldPath(path, 'txId')),
  };
}

export function parseLocks(value: unknown): InvoiceLock[] {
  return expectArray(value, 'locks').map((lock, index) => parseLock(lock, `locks[${index}]`));
}

export function parseReimbursements(value: unknown): Reimbursement[] {
  return expectArray(value, 'reimbursements').map((entry, index) =>
    parseReimbursement(entry, `reimbursements[${index}]`),
  );
}

export function parseOperationRecord(value: unknown): OperationRecord {
  const path = 'lastOperation';
  const field = fieldsOf(value, path, OPERATION_FIELDS);
  const reason = expectString(field('reason'), fieldPath(path, 'reason'));
  return {
    operation: expectOneOf(field('operation'), fieldPath(path, 'operation'), INVOICE_OPERATIONS),
    mspId: shortText(field('mspId'), fieldPath(path, 'mspId')),
    actor: shortText(field('actor'), fieldPath(path, 'actor')),
    timestamp: expectIsoTimestamp(field('timestamp'), fieldPath(path, 'timestamp')),
    txId: shortText(field('txId'), fieldPath(path, 'txId')),
    reason: reason === '' ? '' : parseReason(reason, fieldPath(path, 'reason')),
  };
}
