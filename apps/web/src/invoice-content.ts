/**
 * The update form opens filled in with the invoice as it stands: GET /invoices/{code}/{number}/content
 * answers its structured data (the current revision, checked against the digest on chain), which
 * becomes the form's typed values here. Fields the clerk changed while it was loading keep their input.
 */
import { yuanText } from './format.js';
import type { InvoiceInput, InvoiceItem, IssueFormModel } from './issue-form.js';
import { TYPE_LABELS } from './labels.js';
import { count, fail, fen, list, oneOf, optionalStr, record, str, type Json } from './parse.js';

/** The answer of GET /invoices/{code}/{number}/content. */
export interface InvoiceContent {
  readonly code: string;
  readonly number: string;
  readonly revision: number;
  readonly dataDigest: string;
  readonly invoice: InvoiceInput;
}

function quantity(o: Json, key: string, path: string): number {
  const value = o[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : fail(`${path}.${key}`, 'a quantity');
}

function parseItem(value: unknown, path: string): InvoiceItem {
  const o = record(value, path);
  return {
    name: str(o, 'name', path),
    quantity: quantity(o, 'quantity', path),
    unitPrice: fen(o, 'unitPrice', path),
    amount: fen(o, 'amount', path),
  };
}

function parseVisit(value: unknown, path: string): InvoiceInput['visit'] {
  const o = record(value, path);
  const dischargeDate = optionalStr(o, 'dischargeDate', path);
  const medicalRecordNumber = optionalStr(o, 'medicalRecordNumber', path);
  return {
    department: str(o, 'department', path),
    visitDate: str(o, 'visitDate', path),
    ...(dischargeDate === undefined ? {} : { dischargeDate }),
    ...(medicalRecordNumber === undefined ? {} : { medicalRecordNumber }),
  };
}

function parsePayment(value: unknown, path: string): InvoiceInput['payment'] {
  const o = record(value, path);
  return {
    medicalInsuranceFund: fen(o, 'medicalInsuranceFund', path),
    personalAccount: fen(o, 'personalAccount', path),
    otherFund: fen(o, 'otherFund', path),
    selfPay: fen(o, 'selfPay', path),
  };
}

function parseInvoiceInput(value: unknown, path: string): InvoiceInput {
  const o = record(value, path);
  const payer = record(o['payer'], `${path}.payer`);
  return {
    code: str(o, 'code', path),
    number: str(o, 'number', path),
    type: oneOf(TYPE_LABELS, o, 'type', path),
    payer: { name: str(payer, 'name', `${path}.payer`), idNumber: str(payer, 'idNumber', `${path}.payer`) },
    visit: parseVisit(o['visit'], `${path}.visit`),
    items: list(o, 'items', path, parseItem),
    totalAmount: fen(o, 'totalAmount', path),
    payment: parsePayment(o['payment'], `${path}.payment`),
    reimbursableAmount: fen(o, 'reimbursableAmount', path),
  };
}

export function parseInvoiceContent(value: unknown): InvoiceContent {
  const o = record(value, 'body');
  return {
    code: str(o, 'code', 'body'),
    number: str(o, 'number', 'body'),
    revision: count(o, 'revision', 'body'),
    dataDigest: str(o, 'dataDigest', 'body'),
    invoice: parseInvoiceInput(o['invoice'], 'body.invoice'),
  };
}

/** The invoice as the form's typed values: amounts in yuan, optional fields blank when absent. */
export function contentForm(invoice: InvoiceInput): IssueFormModel {
  return {
    code: invoice.code,
    number: invoice.number,
    type: invoice.type,
    payerName: invoice.payer.name,
    payerId: invoice.payer.idNumber,
    department: invoice.visit.department,
    visitDate: invoice.visit.visitDate,
    dischargeDate: invoice.visit.dischargeDate ?? '',
    medicalRecordNumber: invoice.visit.medicalRecordNumber ?? '',
    items: invoice.items.map((item) => ({
      name: item.name,
      quantity: String(item.quantity),
      unitPrice: yuanText(item.unitPrice),
    })),
    fund: yuanText(invoice.payment.medicalInsuranceFund),
    account: yuanText(invoice.payment.personalAccount),
    other: yuanText(invoice.payment.otherFund),
    self: yuanText(invoice.payment.selfPay),
    reimbursable: yuanText(invoice.reimbursableAmount),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The form filled in with `loaded`, except the fields the clerk changed since the form was
 * `opened` (while the content was loading): those keep the clerk's input. The item rows count as one field.
 */
export function prefill<T extends object>(current: T, opened: T, loaded: T): T {
  const out = { ...loaded };
  for (const key of Object.keys(loaded) as (keyof T)[]) {
    if (!same(current[key], opened[key])) out[key] = current[key];
  }
  return out;
}
