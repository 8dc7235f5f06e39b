/**
 * The medical e-invoice (医疗收费电子票据) as held on the ledger: a summary with
 * digests and content addresses, never personal data in clear.
 */
import {
  ACTOR,
  BATCH_ID,
  CHECK_CODE_KDF,
  CURRENCIES,
  HEX32,
  INVOICE_CODE,
  INVOICE_KINDS,
  INVOICE_NUMBER,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  PAYMENT_PARTS,
  type CheckCodeProtection,
  type Invoice,
  type InvoiceContent,
  type InvoiceId,
  type IssueInvoiceInput,
  type MigrationMark,
  type Fen,
  type PaymentSplit,
  type UpdateInvoiceInput,
  UNIT_NAME_MAX,
} from '@hdt/vocabulary';
import { checkPaymentSplit, checkReimbursable, parseFen } from './amounts';
import { invalidArgument } from './errors';
import {
  type UnknownRecord,
  expectCid,
  expectHex64,
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
import { parseLocks, parseOperationRecord, parseReimbursements } from './lifecycle-records';

export type { Currency, Invoice, InvoiceId, InvoiceStatus, InvoiceType, IssueInvoiceInput } from '@hdt/vocabulary';

/** Facts of the running transaction, supplied by the contract from the transaction itself. */
export interface TxContext {
  readonly mspId: string;
  /** Transaction timestamp, ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  readonly txId: string;
}

const CONTENT_FIELDS = [
  'type',
  'totalAmount',
  'payment',
  'reimbursableAmount',
  'payerPseudonym',
  'dataDigest',
  'pdfDigest',
  'dataCid',
  'pdfCid',
] as const satisfies readonly (keyof InvoiceContent)[];

const CHECK_CODE_FIELDS = [
  'checkCodeSalt',
  'checkCodeIterations',
  'checkCodeHash',
] as const satisfies readonly (keyof CheckCodeProtection)[];

export const ISSUE_INPUT_FIELDS = [
  'code',
  'number',
  ...CHECK_CODE_FIELDS,
  ...CONTENT_FIELDS,
  'actor',
] as const satisfies readonly (keyof IssueInvoiceInput)[];

export const UPDATE_INPUT_FIELDS = [
  'code',
  'number',
  ...CONTENT_FIELDS,
  'actor',
] as const satisfies readonly (keyof UpdateInvoiceInput)[];

export const INVOICE_FIELDS = [
  'code',
  'number',
  ...CHECK_CODE_FIELDS,
  ...CONTENT_FIELDS,
  'kind',
  'issuingUnit',
  'issuerMsp',
  'issuedAt',
  'currency',
  'status',
  'linkedInvoice',
  'locks',
  'reimbursements',
  'reimbursedAmount',
  'revision',
  'lastOperation',
  'lastTxId',
  'updatedAt',
  'migration',
] as const satisfies readonly (keyof Invoice)[];

/** Upper bound on a JSON argument, far above any legitimate input. */
export const MAX_INPUT_LENGTH = 16 * 1024;
/** The stored invoice grows with locks and reimbursements; a bound keeps one key's value small. */
export const MAX_LOCKS_PER_INVOICE = 50;

export function parseInvoiceCode(value: unknown, path = 'code'): string {
  return expectPattern(value, path, INVOICE_CODE, 'exactly 8 digits');
}

export function parseInvoiceNumber(value: unknown, path = 'number'): string {
  return expectPattern(value, path, INVOICE_NUMBER, 'exactly 10 digits');
}

/** The (code, number) arguments of Read, Verify and History. */
export function parseInvoiceId(code: unknown, number: unknown): InvoiceId {
  return { code: parseInvoiceCode(code), number: parseInvoiceNumber(number) };
}

export function parseActor(value: unknown, path = 'actor'): string {
  return expectPattern(value, path, ACTOR, 'a user name of 1..64 letters, digits, ".", "_", "@" or "-"');
}

function parsePayment(value: unknown, path: string): PaymentSplit {
  const record = expectRecord(value, path);
  rejectUnknownFields(record, PAYMENT_PARTS, path);
  const part = (key: (typeof PAYMENT_PARTS)[number]): Fen =>
    parseFen(requiredField(record, key, path), fieldPath(path, key), 0);
  return {
    medicalInsuranceFund: part('medicalInsuranceFund'),
    personalAccount: part('personalAccount'),
    otherFund: part('otherFund'),
    selfPay: part('selfPay'),
  };
}

function parseIterations(value: unknown, path: string): number {
  const { minIterations, maxIterations } = CHECK_CODE_KDF;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minIterations || value > maxIterations) {
    throw invalidArgument(path, `must be an integer in ${minIterations}..${maxIterations}`);
  }
  return value;
}

export function parseCheckCodeProtection(record: UnknownRecord, prefix: string): CheckCodeProtection {
  const field = (key: string): unknown => requiredField(record, key, prefix);
  return {
    checkCodeSalt: expectPattern(
      field('checkCodeSalt'),
      fieldPath(prefix, 'checkCodeSalt'),
      HEX32,
      '32 lowercase hexadecimal characters',
    ),
    checkCodeIterations: parseIterations(field('checkCodeIterations'), fieldPath(prefix, 'checkCodeIterations')),
    checkCodeHash: expectHex64(field('checkCodeHash'), fieldPath(prefix, 'checkCodeHash')),
  };
}

/** The documents' digests and addresses (shared by the content and a red invoice). */
export function parseDocuments(
  record: UnknownRecord,
  prefix: string,
): Pick<InvoiceContent, 'dataDigest' | 'pdfDigest' | 'dataCid' | 'pdfCid'> {
  const field = (key: string): unknown => requiredField(record, key, prefix);
  return {
    dataDigest: expectHex64(field('dataDigest'), fieldPath(prefix, 'dataDigest')),
    pdfDigest: expectHex64(field('pdfDigest'), fieldPath(prefix, 'pdfDigest')),
    dataCid: expectCid(field('dataCid'), fieldPath(prefix, 'dataCid')),
    pdfCid: expectCid(field('pdfCid'), fieldPath(prefix, 'pdfCid')),
  };
}

/** The content fields with the amount rules. */
function parseContent(record: UnknownRecord): InvoiceContent {
  const field = (key: string): unknown => requiredField(record, key, '');
  const type = expectOneOf(field('type'), 'type', INVOICE_TYPES);
  const totalAmount = parseFen(field('totalAmount'), 'totalAmount', 1);
  const payment = parsePayment(field('payment'), 'payment');
  const reimbursableAmount = parseFen(field('reimbursableAmount'), 'reimbursableAmount', 0);
  const payerPseudonym = expectHex64(field('payerPseudonym'), 'payerPseudonym');
  checkPaymentSplit(totalAmount, payment);
  checkReimbursable(totalAmount, reimbursableAmount);
  return { type, totalAmount, payment, reimbursableAmount, payerPseudonym, ...parseDocuments(record, '') };
}

/** Decodes a JSON text argument of at most `maxLength` characters into an object. */
export function decodeJsonArgument(text: unknown, maxLength = MAX_INPUT_LENGTH): UnknownRecord {
  const json = expectString(text, 'input');
  if (json.length > maxLength) {
    throw invalidArgument('input', `must not exceed ${maxLength} characters`);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    throw invalidArgument('input', 'must be valid JSON');
  }
  return expectRecord(decoded, 'input');
}

/** The fields `Issue` and `ImportBatch` share: identity, check-code protection and content. */
export function parseIssuedFields(record: UnknownRecord): Omit<IssueInvoiceInput, 'actor'> {
  return {
    code: parseInvoiceCode(requiredField(record, 'code', '')),
    number: parseInvoiceNumber(requiredField(record, 'number', '')),
    ...parseCheckCodeProtection(record, ''),
    ...parseContent(record),
  };
}

/** Parses the decoded `Issue` argument. */
export function parseIssueInput(value: unknown): IssueInvoiceInput {
  const record = expectRecord(value, 'input');
  rejectUnknownFields(record, ISSUE_INPUT_FIELDS, '');
  return { ...parseIssuedFields(record), actor: parseActor(requiredField(record, 'actor', '')) };
}

/** Parses the raw `Issue` argument: a JSON text holding the fields of {@link IssueInvoiceInput}. */
export function parseIssueInputJson(text: unknown): IssueInvoiceInput {
  return parseIssueInput(decodeJsonArgument(text));
}

export function parseUpdateInputJson(text: unknown): UpdateInvoiceInput {
  const record = decodeJsonArgument(text);
  rejectUnknownFields(record, UPDATE_INPUT_FIELDS, '');
  return {
    code: parseInvoiceCode(requiredField(record, 'code', '')),
    number: parseInvoiceNumber(requiredField(record, 'number', '')),
    ...parseContent(record),
    actor: parseActor(requiredField(record, 'actor', '')),
  };
}

export function contentOf(input: InvoiceContent): InvoiceContent {
  return {
    type: input.type,
    totalAmount: input.totalAmount,
    payment: {
      medicalInsuranceFund: input.payment.medicalInsuranceFund,
      personalAccount: input.payment.personalAccount,
      otherFund: input.payment.otherFund,
      selfPay: input.payment.selfPay,
    },
    reimbursableAmount: input.reimbursableAmount,
    payerPseudonym: input.payerPseudonym,
    dataDigest: input.dataDigest,
    pdfDigest: input.pdfDigest,
    dataCid: input.dataCid,
    pdfCid: input.pdfCid,
  };
}

/** The invoice a hospital's `Issue` transaction creates; `issuingUnit` comes from the registry. */
export function buildIssuedInvoice(input: IssueInvoiceInput, issuingUnit: string, tx: TxContext): Invoice {
  return {
    code: input.code,
    number: input.number,
    checkCodeSalt: input.checkCodeSalt,
    checkCodeIterations: input.checkCodeIterations,
    checkCodeHash: input.checkCodeHash,
    ...contentOf(input),
    kind: 'BLUE',
    issuingUnit,
    issuerMsp: tx.mspId,
    issuedAt: tx.timestamp,
    currency: 'CNY',
    status: 'ISSUED',
    linkedInvoice: null,
    locks: [],
    reimbursements: [],
    reimbursedAmount: 0,
    revision: 1,
    lastOperation: {
      operation: 'ISSUE',
      mspId: tx.mspId,
      actor: input.actor,
      timestamp: tx.timestamp,
      txId: tx.txId,
      reason: '',
    },
    lastTxId: tx.txId,
    updatedAt: tx.timestamp,
  };
}

function parseLinkedInvoice(value: unknown): InvoiceId | null {
  if (value === null) return null;
  const record = expectRecord(value, 'linkedInvoice');
  rejectUnknownFields(record, ['code', 'number'], 'linkedInvoice');
  return {
    code: parseInvoiceCode(requiredField(record, 'code', 'linkedInvoice'), 'linkedInvoice.code'),
    number: parseInvoiceNumber(requiredField(record, 'number', 'linkedInvoice'), 'linkedInvoice.number'),
  };
}

function parseMigrationMark(value: unknown): MigrationMark {
  const record = expectRecord(value, 'migration');
  rejectUnknownFields(record, ['batchId', 'importedAt'], 'migration');
  return {
    batchId: expectPattern(requiredField(record, 'batchId', 'migration'), 'migration.batchId', BATCH_ID, 'a batch id'),
    importedAt: expectIsoTimestamp(requiredField(record, 'importedAt', 'migration'), 'migration.importedAt'),
  };
}

function parseRevision(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument('revision', 'must be a positive integer');
  }
  return value;
}

/**
 * Checks a value read back from the ledger. Failures throw INVALID_ARGUMENT naming
 * the field; the ledger layer reports them as INTERNAL since the caller is not at fault.
 */
export function parseStoredInvoice(value: unknown): Invoice {
  const record = expectRecord(value, 'invoice');
  rejectUnknownFields(record, INVOICE_FIELDS, '');
  const field = (key: string): unknown => requiredField(record, key, '');
  return {
    code: parseInvoiceCode(field('code')),
    number: parseInvoiceNumber(field('number')),
    ...parseCheckCodeProtection(record, ''),
    ...parseContent(record),
    kind: expectOneOf(field('kind'), 'kind', INVOICE_KINDS),
    issuingUnit: expectText(field('issuingUnit'), 'issuingUnit', 1, UNIT_NAME_MAX),
    issuerMsp: expectText(field('issuerMsp'), 'issuerMsp', 1, 128),
    issuedAt: expectIsoTimestamp(field('issuedAt'), 'issuedAt'),
    currency: expectOneOf(field('currency'), 'currency', CURRENCIES),
    status: expectOneOf(field('status'), 'status', INVOICE_STATUSES),
    linkedInvoice: parseLinkedInvoice(field('linkedInvoice')),
    locks: parseLocks(field('locks')),
    reimbursements: parseReimbursements(field('reimbursements')),
    reimbursedAmount: parseFen(field('reimbursedAmount'), 'reimbursedAmount', 0),
    revision: parseRevision(field('revision')),
    lastOperation: parseOperationRecord(field('lastOperation')),
    lastTxId: expectText(field('lastTxId'), 'lastTxId', 1, 256),
    updatedAt: expectIsoTimestamp(field('updatedAt'), 'updatedAt'),
    ...(record['migration'] === undefined ? {} : { migration: parseMigrationMark(record['migration']) }),
  };
}
