/**
 * The API's answers, checked field by field before the pages use them: an answer that does not
 * have the expected shape is an error naming the field, never a page showing `undefined`.
 */
import type {
  CheckCodeProtection,
  Invoice,
  InvoiceLock,
  OperationRecord,
  OrgProfile,
  Reimbursement,
  Role,
  VerifiableDigest,
  VerificationResultKind,
} from '@hdt/vocabulary';
import {
  isKeyOf,
  KIND_LABELS,
  LOCK_STATE_LABELS,
  MISMATCH_LABELS,
  OPERATION_LABELS,
  ROLE_LABELS,
  STATUS_LABELS,
  TYPE_LABELS,
  VERDICT_LABELS,
} from './labels.js';

/** An invoice as the API shows it: everything but the check-code protection. */
export type InvoiceView = Omit<Invoice, keyof CheckCodeProtection>;

/**
 * What the pages show of an invoice. Fields that an older gateway does not send yet are
 * optional; its locks and reimbursements are then empty.
 */
export type InvoiceSummary = Pick<
  InvoiceView,
  | 'code'
  | 'number'
  | 'type'
  | 'status'
  | 'issuingUnit'
  | 'issuerMsp'
  | 'issuedAt'
  | 'totalAmount'
  | 'payment'
  | 'reimbursableAmount'
  | 'reimbursedAmount'
  | 'locks'
  | 'reimbursements'
  | 'pdfDigest'
  | 'dataDigest'
  | 'lastTxId'
  | 'updatedAt'
> &
  Partial<Pick<InvoiceView, 'kind' | 'revision' | 'linkedInvoice' | 'lastOperation'>>;

export interface User {
  readonly username: string;
  readonly displayName: string;
  readonly mspId: string;
  readonly role: Role;
  /** A resident's pseudonymous id (absent from an older gateway). */
  readonly residentId?: string;
  /** A doctor's department (absent from an older gateway). */
  readonly department?: string;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: User;
}

export interface Issued {
  readonly code: string;
  readonly number: string;
  readonly checkCode: string;
  /** "" while pending. */
  readonly txId: string;
  /** Accepted, not yet on chain (the ledger was unreachable): the platform retries on its own. */
  readonly pending: boolean;
}

export interface Verification {
  readonly result: VerificationResultKind;
  readonly status: string | undefined;
  readonly mismatches: readonly VerifiableDigest[];
}

export interface HistoryItem {
  readonly txId: string;
  readonly timestamp: string;
  readonly status: string | undefined;
  readonly operation: OperationRecord | undefined;
}

export interface Committed {
  readonly invoice: InvoiceSummary;
  readonly txId: string;
}

/** Figures of one issuing unit, type or status; amounts in fen, red invoices negative. */
export interface StatisticsBucket {
  readonly key: string;
  readonly count: number;
  readonly totalAmount: number;
  /** Absent from a gateway that does not send it yet. */
  readonly reimbursableAmount?: number;
  readonly reimbursedAmount: number;
}

/** Reimbursements a payer made within the period. */
export interface PayerTotals {
  readonly payerMsp: string;
  readonly count: number;
  readonly amount: number;
}

export interface DailyTotals {
  readonly day: string;
  readonly issuedCount: number;
  /** Ordinary invoices' totals minus red invoices' totals, in fen. */
  readonly netIssuedAmount: number;
  readonly redCount: number;
}

/** GET /statistics/invoices: figures over a period of days (China Standard Time). */
export interface InvoiceStatistics {
  readonly period: { readonly from: string; readonly to: string };
  readonly byUnit: readonly StatisticsBucket[];
  readonly byType: readonly StatisticsBucket[];
  readonly byStatus: readonly StatisticsBucket[];
  readonly byPayer: readonly PayerTotals[];
  readonly daily: readonly DailyTotals[];
}

export class ResponseShapeError extends Error {}

export type Json = Readonly<Record<string, unknown>>;

export function fail(path: string, expected: string): never {
  throw new ResponseShapeError(`${path}: expected ${expected}`);
}

export function record(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Json;
}

export function str(o: Json, key: string, path: string): string {
  const value = o[key];
  return typeof value === 'string' ? value : fail(`${path}.${key}`, 'a string');
}

export function optionalStr(o: Json, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, path);
}

export function fen(o: Json, key: string, path: string): number {
  const value = o[key];
  return Number.isSafeInteger(value) ? (value as number) : fail(`${path}.${key}`, 'an amount in fen');
}

export function count(o: Json, key: string, path: string): number {
  const value = o[key];
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : fail(`${path}.${key}`, 'a count');
}

export function oneOf<K extends string>(table: Record<K, unknown>, o: Json, key: string, path: string): K {
  const value = o[key];
  return typeof value === 'string' && isKeyOf(table, value) ? value : fail(`${path}.${key}`, 'a known value');
}

/** `value` if it is one of `values`. */
export function member<T extends string>(values: readonly T[], value: unknown, path: string): T {
  const found = values.find((v) => v === value);
  return found ?? fail(path, 'a known value');
}

export function nullableStr(o: Json, key: string, path: string): string | null {
  return o[key] === null ? null : str(o, key, path);
}

export function nullableCount(o: Json, key: string, path: string): number | null {
  return o[key] === null ? null : count(o, key, path);
}

export function bool(o: Json, key: string, path: string): boolean {
  const value = o[key];
  return typeof value === 'boolean' ? value : fail(`${path}.${key}`, 'true or false');
}

/** A list; a missing one is empty (fields an older gateway does not send). */
export function list<T>(o: Json, key: string, path: string, item: (value: unknown, path: string) => T): T[] {
  const value = o[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${path}.${key}`, 'a list');
  return value.map((v, i) => item(v, `${path}.${key}[${i}]`));
}

/** A list of strings; a missing one is empty. */
export const strings = (o: Json, key: string, path: string): string[] =>
  list(o, key, path, (v, p) => (typeof v === 'string' ? v : fail(p, 'a string')));

function parseLock(value: unknown, path: string): InvoiceLock {
  const o = record(value, path);
  return {
    claimId: str(o, 'claimId', path),
    holderMsp: str(o, 'holderMsp', path),
    actor: str(o, 'actor', path),
    amount: fen(o, 'amount', path),
    lockedAt: str(o, 'lockedAt', path),
    expiresAt: str(o, 'expiresAt', path),
    state: oneOf(LOCK_STATE_LABELS, o, 'state', path),
    closedAt: optionalStr(o, 'closedAt', path) ?? '',
  };
}

function parseReimbursement(value: unknown, path: string): Reimbursement {
  const o = record(value, path);
  return {
    claimId: str(o, 'claimId', path),
    payerMsp: str(o, 'payerMsp', path),
    actor: str(o, 'actor', path),
    amount: fen(o, 'amount', path),
    at: str(o, 'at', path),
    txId: str(o, 'txId', path),
  };
}

function parseOperation(value: unknown, path: string): OperationRecord | undefined {
  if (value === undefined) return undefined;
  const o = record(value, path);
  return {
    operation: oneOf(OPERATION_LABELS, o, 'operation', path),
    mspId: str(o, 'mspId', path),
    actor: str(o, 'actor', path),
    timestamp: str(o, 'timestamp', path),
    txId: str(o, 'txId', path),
    reason: optionalStr(o, 'reason', path) ?? '',
  };
}

function parsePayment(value: unknown, path: string): InvoiceView['payment'] {
  const o = record(value, path);
  return {
    medicalInsuranceFund: fen(o, 'medicalInsuranceFund', path),
    personalAccount: fen(o, 'personalAccount', path),
    otherFund: fen(o, 'otherFund', path),
    selfPay: fen(o, 'selfPay', path),
  };
}

function parseLink(value: unknown, path: string): InvoiceView['linkedInvoice'] | undefined {
  if (value === undefined || value === null) return value;
  const o = record(value, path);
  return { code: str(o, 'code', path), number: str(o, 'number', path) };
}

/** The parts that the lifecycle added; absent from an older gateway's answers. */
function lifecycleParts(o: Json, path: string): Partial<InvoiceSummary> {
  const reimbursements = list(o, 'reimbursements', path, parseReimbursement);
  const paid = reimbursements.reduce((sum, r) => sum + r.amount, 0);
  return {
    locks: list(o, 'locks', path, parseLock),
    reimbursements,
    reimbursedAmount: o['reimbursedAmount'] === undefined ? paid : fen(o, 'reimbursedAmount', path),
    ...(o['kind'] === undefined ? {} : { kind: oneOf(KIND_LABELS, o, 'kind', path) }),
    ...(o['revision'] === undefined ? {} : { revision: fen(o, 'revision', path) }),
    linkedInvoice: parseLink(o['linkedInvoice'], `${path}.linkedInvoice`),
    lastOperation: parseOperation(o['lastOperation'], `${path}.lastOperation`),
  };
}

export function parseInvoice(value: unknown, path = 'invoice'): InvoiceSummary {
  const o = record(value, path);
  return {
    code: str(o, 'code', path),
    number: str(o, 'number', path),
    type: oneOf(TYPE_LABELS, o, 'type', path),
    status: oneOf(STATUS_LABELS, o, 'status', path),
    issuingUnit: str(o, 'issuingUnit', path),
    issuerMsp: str(o, 'issuerMsp', path),
    issuedAt: str(o, 'issuedAt', path),
    totalAmount: fen(o, 'totalAmount', path),
    payment: parsePayment(o['payment'], `${path}.payment`),
    reimbursableAmount: fen(o, 'reimbursableAmount', path),
    pdfDigest: str(o, 'pdfDigest', path),
    dataDigest: str(o, 'dataDigest', path),
    lastTxId: str(o, 'lastTxId', path),
    updatedAt: str(o, 'updatedAt', path),
    locks: [],
    reimbursements: [],
    reimbursedAmount: 0,
    ...lifecycleParts(o, path),
  };
}

export function parseCommitted(value: unknown): Committed {
  const o = record(value, 'body');
  return { invoice: parseInvoice(o['invoice'], 'body.invoice'), txId: str(o, 'txId', 'body') };
}

function optionalMembers(o: Json, keys: readonly string[], path: string): Record<string, string> {
  const present = keys.filter((key) => o[key] !== undefined);
  return Object.fromEntries(present.map((key) => [key, str(o, key, path)]));
}

export function parseSession(value: unknown): Session {
  const o = record(value, 'body');
  const user = record(o['user'], 'body.user');
  return {
    token: str(o, 'token', 'body'),
    expiresAt: str(o, 'expiresAt', 'body'),
    user: {
      username: str(user, 'username', 'body.user'),
      displayName: str(user, 'displayName', 'body.user'),
      mspId: str(user, 'mspId', 'body.user'),
      role: oneOf(ROLE_LABELS, user, 'role', 'body.user'),
      ...optionalMembers(user, ['residentId', 'department'], 'body.user'),
    },
  };
}

export function parseIssued(value: unknown): Issued {
  const o = record(value, 'body');
  const pending = str(o, 'status', 'body') === 'PENDING';
  return {
    code: str(o, 'code', 'body'),
    number: str(o, 'number', 'body'),
    checkCode: str(o, 'checkCode', 'body'),
    txId: pending ? '' : str(o, 'txId', 'body'),
    pending,
  };
}

export function parseCheckCode(value: unknown): string {
  return str(record(value, 'body'), 'checkCode', 'body');
}

export function parseVerification(value: unknown): Verification {
  const o = record(value, 'body');
  return {
    result: oneOf(VERDICT_LABELS, o, 'result', 'body'),
    status: optionalStr(o, 'status', 'body'),
    mismatches: list(o, 'mismatches', 'body', (v, path) => oneOf(MISMATCH_LABELS, { v }, 'v', path)),
  };
}

function parseHistoryItem(value: unknown, path: string): HistoryItem {
  const o = record(value, path);
  const invoice = o['value'] === null || o['value'] === undefined ? undefined : record(o['value'], `${path}.value`);
  return {
    txId: str(o, 'txId', path),
    timestamp: str(o, 'timestamp', path),
    status: invoice === undefined ? undefined : optionalStr(invoice, 'status', `${path}.value`),
    operation:
      invoice === undefined ? undefined : parseOperation(invoice['lastOperation'], `${path}.value.lastOperation`),
  };
}

export function parseHistory(value: unknown): HistoryItem[] {
  return list({ history: value }, 'history', 'body', parseHistoryItem);
}

function parseProfile(value: unknown, path: string): OrgProfile {
  const o = record(value, path);
  return {
    mspId: str(o, 'mspId', path),
    unitName: str(o, 'unitName', path),
    codeRanges: list(o, 'codeRanges', path, (range, p) => {
      const r = record(range, p);
      return { first: str(r, 'first', p), last: str(r, 'last', p) };
    }),
    updatedAt: str(o, 'updatedAt', path),
    lastTxId: str(o, 'lastTxId', path),
  };
}

export function parseProfiles(value: unknown): OrgProfile[] {
  return list(record(value, 'body'), 'orgs', 'body', parseProfile);
}

/** A list that must be there. */
function requiredList<T>(o: Json, key: string, path: string, item: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(o[key])) fail(`${path}.${key}`, 'a list');
  return list(o, key, path, item);
}

function parseBucket(value: unknown, path: string): StatisticsBucket {
  const o = record(value, path);
  return {
    key: str(o, 'key', path),
    count: count(o, 'count', path),
    totalAmount: fen(o, 'totalAmount', path),
    ...(o['reimbursableAmount'] === undefined ? {} : { reimbursableAmount: fen(o, 'reimbursableAmount', path) }),
    reimbursedAmount: fen(o, 'reimbursedAmount', path),
  };
}

function parsePayerTotals(value: unknown, path: string): PayerTotals {
  const o = record(value, path);
  return { payerMsp: str(o, 'payerMsp', path), count: count(o, 'count', path), amount: fen(o, 'amount', path) };
}

function parseDailyTotals(value: unknown, path: string): DailyTotals {
  const o = record(value, path);
  return {
    day: str(o, 'day', path),
    issuedCount: count(o, 'issuedCount', path),
    netIssuedAmount: fen(o, 'netIssuedAmount', path),
    redCount: count(o, 'redCount', path),
  };
}

export function parseStatistics(value: unknown): InvoiceStatistics {
  const o = record(value, 'body');
  const period = record(o['period'], 'body.period');
  return {
    period: { from: str(period, 'from', 'body.period'), to: str(period, 'to', 'body.period') },
    byUnit: requiredList(o, 'byUnit', 'body', parseBucket),
    byType: requiredList(o, 'byType', 'body', parseBucket),
    byStatus: requiredList(o, 'byStatus', 'body', parseBucket),
    byPayer: requiredList(o, 'byPayer', 'body', parsePayerTotals),
    daily: requiredList(o, 'daily', 'body', parseDailyTotals),
  };
}

/** The API's error body `{ code, message }`, if that is what `value` is. */
export function errorBody(value: unknown): { code: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Json;
  return typeof o['code'] === 'string' && typeof o['message'] === 'string'
    ? { code: o['code'], message: o['message'] }
    : undefined;
}

/** One row of GET /invoices: the ledger's projection, a few seconds behind it at most. */
export interface InvoiceListItem {
  readonly code: string;
  readonly number: string;
  readonly kind: InvoiceView['kind'];
  readonly type: InvoiceView['type'];
  readonly status: InvoiceView['status'];
  readonly issuerMsp: string;
  readonly issuingUnit: string;
  readonly totalAmount: number;
  readonly reimbursableAmount: number;
  readonly reimbursedAmount: number;
  readonly issuedDay: string;
  readonly updatedAt: string;
}

export interface InvoiceListPage {
  readonly items: readonly InvoiceListItem[];
  /** The cursor of the next page; null on the last one. */
  readonly next: string | null;
}

function parseListItem(value: unknown, path: string): InvoiceListItem {
  const o = record(value, path);
  return {
    code: str(o, 'code', path),
    number: str(o, 'number', path),
    kind: oneOf(KIND_LABELS, o, 'kind', path),
    type: oneOf(TYPE_LABELS, o, 'type', path),
    status: oneOf(STATUS_LABELS, o, 'status', path),
    issuerMsp: str(o, 'issuerMsp', path),
    issuingUnit: str(o, 'issuingUnit', path),
    totalAmount: fen(o, 'totalAmount', path),
    reimbursableAmount: fen(o, 'reimbursableAmount', path),
    reimbursedAmount: fen(o, 'reimbursedAmount', path),
    issuedDay: str(o, 'issuedDay', path),
    updatedAt: str(o, 'updatedAt', path),
  };
}

export function parseInvoiceList(value: unknown): InvoiceListPage {
  const o = record(value, 'body');
  const next = o['next'];
  if (next !== null && typeof next !== 'string') fail('body.next', 'a cursor or null');
  return { items: requiredList(o, 'items', 'body', parseListItem), next };
}

/** POST /invoices/{code}/{number}/red-flush: the original as committed, and the red invoice. */
export interface RedFlushed {
  readonly original: InvoiceSummary;
  readonly red: { readonly code: string; readonly number: string; readonly checkCode: string };
  readonly txId: string;
}

export function parseRedFlushed(value: unknown): RedFlushed {
  const o = record(value, 'body');
  const red = record(o['red'], 'body.red');
  return {
    original: parseInvoice(o['original'], 'body.original'),
    red: {
      code: str(red, 'code', 'body.red'),
      number: str(red, 'number', 'body.red'),
      checkCode: str(red, 'checkCode', 'body.red'),
    },
    txId: str(o, 'txId', 'body'),
  };
}
