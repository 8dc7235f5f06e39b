/** Parsers for the arguments of the lifecycle transactions. */
import {
  LOCK_TTL_SECONDS,
  type CloseInvoiceInput,
  type InvoiceId,
  type LockInvoiceInput,
  type RedFlushInvoiceInput,
  type RedInvoiceInput,
  type ReimburseInvoiceInput,
  type UnlockInvoiceInput,
} from '@hdt/vocabulary';
import { parseFen } from './amounts';
import { invalidArgument } from './errors';
import { type UnknownRecord, expectRecord, rejectUnknownFields, requiredField } from './fields';
import {
  decodeJsonArgument,
  parseActor,
  parseCheckCodeProtection,
  parseDocuments,
  parseInvoiceCode,
  parseInvoiceNumber,
} from './invoice';
import { parseClaimId, parseReason } from './lifecycle-records';

type Field = (key: string) => unknown;

function open(text: unknown, allowed: readonly string[]): Field {
  const record = decodeJsonArgument(text);
  rejectUnknownFields(record, allowed, '');
  return (key) => requiredField(record, key, '');
}

function idOf(field: Field): InvoiceId & { actor: string } {
  return {
    code: parseInvoiceCode(field('code')),
    number: parseInvoiceNumber(field('number')),
    actor: parseActor(field('actor')),
  };
}

function parseTtl(value: unknown): number {
  const { min, max } = LOCK_TTL_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument('ttlSeconds', `must be an integer number of seconds in ${min}..${max}`);
  }
  return value;
}

export function parseLockInputJson(text: unknown): LockInvoiceInput {
  const field = open(text, ['code', 'number', 'actor', 'claimId', 'amount', 'ttlSeconds']);
  return {
    ...idOf(field),
    claimId: parseClaimId(field('claimId')),
    amount: parseFen(field('amount'), 'amount', 1),
    ttlSeconds: parseTtl(field('ttlSeconds')),
  };
}

export function parseReimburseInputJson(text: unknown): ReimburseInvoiceInput {
  const field = open(text, ['code', 'number', 'actor', 'claimId', 'amount']);
  return { ...idOf(field), claimId: parseClaimId(field('claimId')), amount: parseFen(field('amount'), 'amount', 1) };
}

export function parseUnlockInputJson(text: unknown): UnlockInvoiceInput {
  const field = open(text, ['code', 'number', 'actor', 'claimId', 'reason']);
  return { ...idOf(field), claimId: parseClaimId(field('claimId')), reason: parseReason(field('reason')) };
}

export function parseCloseInputJson(text: unknown): CloseInvoiceInput {
  const field = open(text, ['code', 'number', 'actor', 'reason']);
  return { ...idOf(field), reason: parseReason(field('reason')) };
}

const RED_FIELDS = [
  'code',
  'number',
  'checkCodeSalt',
  'checkCodeIterations',
  'checkCodeHash',
  'dataDigest',
  'pdfDigest',
  'dataCid',
  'pdfCid',
] as const;

function parseRed(value: unknown): RedInvoiceInput {
  const record: UnknownRecord = expectRecord(value, 'red');
  rejectUnknownFields(record, RED_FIELDS, 'red');
  return {
    code: parseInvoiceCode(requiredField(record, 'code', 'red'), 'red.code'),
    number: parseInvoiceNumber(requiredField(record, 'number', 'red'), 'red.number'),
    ...parseCheckCodeProtection(record, 'red'),
    ...parseDocuments(record, 'red'),
  };
}

export function parseRedFlushInputJson(text: unknown): RedFlushInvoiceInput {
  const field = open(text, ['code', 'number', 'actor', 'reason', 'red']);
  const input = { ...idOf(field), reason: parseReason(field('reason')), red: parseRed(field('red')) };
  if (input.red.code === input.code && input.red.number === input.number) {
    throw invalidArgument('red.number', 'must differ from the invoice being flushed');
  }
  return input;
}
