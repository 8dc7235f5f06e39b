/**
 * The medical e-invoice (医疗收费电子票据) as held on the ledger: a summary with
 * digests and content addresses, never personal data in clear.
 */
import {
  CURRENCIES,
  INVOICE_CODE,
  INVOICE_NUMBER,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  PAYMENT_PARTS,
  type Invoice,
  type InvoiceId,
  type IssueInvoiceInput,
  type Fen,
  type PaymentSplit,
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

export type { Currency, Invoice, InvoiceId, InvoiceStatus, InvoiceType, IssueInvoiceInput } from '@hdt/vocabulary';

/** Facts of the issuing transaction, supplied by the contract from the transaction itself. */
export interface IssueContext {
  readonly issuerMsp: string;
  /** Transaction timestamp, ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  readonly txId: string;
}

export const ISSUE_INPUT_FIELDS = [
  'code',
  'number',
  'checkCodeHash',
  'type',
  'issuingUnit',
  'totalAmount',
  'payment',
  'reimbursableAmount',
  'payerPseudonym',
  'dataDigest',
  'pdfDigest',
  'dataCid',
  'pdfCid',
] as const satisfies readonly (keyof IssueInvoiceInput)[];

export const INVOICE_FIELDS = [
  ...ISSUE_INPUT_FIELDS,
  'issuerMsp',
  'issuedAt',
  'currency',
  'status',
  'lastTxId',
  'updatedAt',
] as const satisfies readonly (keyof Invoice)[];

/** Upper bound on the `Issue` argument, far above any legitimate invoice summary. */
export const MAX_ISSUE_INPUT_LENGTH = 16 * 1024;

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

/** The fields shared by the issue input and the stored invoice, with the amount rules. */
function parseInvoiceBody(record: UnknownRecord): IssueInvoiceInput {
  const field = (key: string): unknown => requiredField(record, key, '');
  const code = parseInvoiceCode(field('code'));
  const number = parseInvoiceNumber(field('number'));
  const checkCodeHash = expectHex64(field('checkCodeHash'), 'checkCodeHash');
  const type = expectOneOf(field('type'), 'type', INVOICE_TYPES);
  const issuingUnit = expectText(field('issuingUnit'), 'issuingUnit', 1, UNIT_NAME_MAX);
  const totalAmount = parseFen(field('totalAmount'), 'totalAmount', 1);
  const payment = parsePayment(field('payment'), 'payment');
  const reimbursableAmount = parseFen(field('reimbursableAmount'), 'reimbursableAmount', 0);
  const payerPseudonym = expectHex64(field('payerPseudonym'), 'payerPseudonym');
  const dataDigest = expectHex64(field('dataDigest'), 'dataDigest');
  const pdfDigest = expectHex64(field('pdfDigest'), 'pdfDigest');
  const dataCid = expectCid(field('dataCid'), 'dataCid');
  const pdfCid = expectCid(field('pdfCid'), 'pdfCid');

  checkPaymentSplit(totalAmount, payment);
  checkReimbursable(totalAmount, reimbursableAmount);

  return {
    code,
    number,
    checkCodeHash,
    type,
    issuingUnit,
    totalAmount,
    payment,
    reimbursableAmount,
    payerPseudonym,
    dataDigest,
    pdfDigest,
    dataCid,
    pdfCid,
  };
}

/** Parses the decoded `Issue` argument. */
export function parseIssueInput(value: unknown): IssueInvoiceInput {
  const record = expectRecord(value, 'input');
  rejectUnknownFields(record, ISSUE_INPUT_FIELDS, '');
  return parseInvoiceBody(record);
}

/** Parses the raw `Issue` argument: a JSON text holding the fields of {@link IssueInvoiceInput}. */
export function parseIssueInputJson(text: unknown): IssueInvoiceInput {
  const json = expectString(text, 'input');
  if (json.length > MAX_ISSUE_INPUT_LENGTH) {
    throw invalidArgument('input', `must not exceed ${MAX_ISSUE_INPUT_LENGTH} characters`);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    throw invalidArgument('input', 'must be valid JSON');
  }
  return parseIssueInput(decoded);
}

/** The invoice a hospital's `Issue` transaction creates. */
export function buildIssuedInvoice(input: IssueInvoiceInput, context: IssueContext): Invoice {
  return {
    code: input.code,
    number: input.number,
    checkCodeHash: input.checkCodeHash,
    type: input.type,
    issuingUnit: input.issuingUnit,
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
    issuerMsp: context.issuerMsp,
    issuedAt: context.timestamp,
    currency: 'CNY',
    status: 'ISSUED',
    lastTxId: context.txId,
    updatedAt: context.timestamp,
  };
}

/**
 * Checks a value read back from the ledger. Failures throw INVALID_ARGUMENT naming
 * the field; the ledger layer reports them as INTERNAL since the caller is not at fault.
 */
export function parseStoredInvoice(value: unknown): Invoice {
  const record = expectRecord(value, 'invoice');
  rejectUnknownFields(record, INVOICE_FIELDS, '');
  const body = parseInvoiceBody(record);
  const field = (key: string): unknown => requiredField(record, key, '');
  return {
    ...body,
    issuerMsp: expectText(field('issuerMsp'), 'issuerMsp', 1, 128),
    issuedAt: expectIsoTimestamp(field('issuedAt'), 'issuedAt'),
    currency: expectOneOf(field('currency'), 'currency', CURRENCIES),
    status: expectOneOf(field('status'), 'status', INVOICE_STATUSES),
    lastTxId: expectText(field('lastTxId'), 'lastTxId', 1, 256),
    updatedAt: expectIsoTimestamp(field('updatedAt'), 'updatedAt'),
  };
}
