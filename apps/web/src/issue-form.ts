/**
 * The issue form of the billing console: line items with their amounts, the payment split and
 * the reimbursable amount, typed in yuan and sent in fen. The page checks what it can (formats,
 * sums) before the API does; the API's own checks still apply and are shown as they come.
 */
import type { InvoiceId, InvoiceType } from '@hdt/vocabulary';
import { formatFen, parseYuan } from './format.js';
import { t } from './i18n.js';
import { isKeyOf, TYPE_LABELS } from './labels.js';
import { InputError } from './messages.js';
import type { TextKey } from './texts.js';

export interface InvoiceItem {
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly amount: number;
}

/** The `invoice` part of POST /invoices. */
export interface InvoiceInput {
  readonly code: string;
  readonly number: string;
  readonly type: InvoiceType;
  readonly payer: { readonly name: string; readonly idNumber: string };
  readonly visit: {
    readonly department: string;
    readonly visitDate: string;
    readonly dischargeDate?: string;
    readonly medicalRecordNumber?: string;
  };
  readonly items: readonly InvoiceItem[];
  readonly totalAmount: number;
  readonly payment: {
    readonly medicalInsuranceFund: number;
    readonly personalAccount: number;
    readonly otherFund: number;
    readonly selfPay: number;
  };
  readonly reimbursableAmount: number;
}

/** One item row as typed. */
export interface ItemRow {
  name: string;
  quantity: string;
  unitPrice: string;
}

/** The form as typed: every field a string, amounts in yuan. */
export interface IssueFormModel {
  code: string;
  number: string;
  type: string;
  payerName: string;
  payerId: string;
  department: string;
  visitDate: string;
  /** Optional: blank leaves it out. */
  dischargeDate: string;
  /** Optional: blank leaves it out. */
  medicalRecordNumber: string;
  items: ItemRow[];
  fund: string;
  account: string;
  other: string;
  self: string;
  reimbursable: string;
}

export function newItemRow(): ItemRow {
  return { name: '', quantity: '1', unitPrice: '' };
}

export function newIssueForm(visitDate: string): IssueFormModel {
  return {
    code: '',
    number: '',
    type: 'OUTPATIENT',
    payerName: '',
    payerId: '',
    department: '',
    visitDate,
    dischargeDate: '',
    medicalRecordNumber: '',
    items: [newItemRow()],
    fund: '',
    account: '',
    other: '',
    self: '',
    reimbursable: '',
  };
}

function invalid(key: TextKey, field?: TextKey): never {
  throw new InputError(() => t(key, field === undefined ? {} : { field: t(field) }));
}

/** An invoice code and number as typed, checked for their formats. */
export function readInvoiceId(code: string, number: string): InvoiceId {
  const id = { code: code.trim(), number: number.trim() };
  if (!/^\d{8}$/.test(id.code)) invalid('invalid.code');
  if (!/^\d{10}$/.test(id.number)) invalid('invalid.number');
  return id;
}

/** A text that must not be blank, trimmed. */
export function requiredText(value: string, field: TextKey): string {
  const text = value.trim();
  return text === '' ? invalid('invalid.required', field) : text;
}

/** `{ [name]: text }` trimmed, or nothing when the text is blank. */
function optionalText<N extends string>(name: N, value: string): Partial<Record<N, string>> {
  const text = value.trim();
  return text === '' ? {} : ({ [name]: text } as Partial<Record<N, string>>);
}

/** An amount typed in yuan, as fen; blank is zero. */
function amountOf(text: string, field: TextKey): number {
  if (text.trim() === '') return 0;
  return parseYuan(text) ?? invalid('invalid.amount', field);
}

function quantityOf(text: string): number | undefined {
  const quantity = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(quantity) && quantity > 0 ? quantity : undefined;
}

/** One row's figures; undefined while its quantity or price is not (yet) a number. */
export function rowItem(row: ItemRow): Omit<InvoiceItem, 'name'> | undefined {
  const quantity = quantityOf(row.quantity);
  const unitPrice = parseYuan(row.unitPrice);
  if (quantity === undefined || unitPrice === undefined) return undefined;
  return { quantity, unitPrice, amount: Math.round(quantity * unitPrice) };
}

/** The sum of the rows that have figures, in fen. */
export function itemsTotal(rows: readonly ItemRow[]): number {
  return rows.reduce((sum, row) => sum + (rowItem(row)?.amount ?? 0), 0);
}

function readItems(rows: readonly ItemRow[]): InvoiceItem[] {
  return rows.map((row) => {
    const name = requiredText(row.name, 'issue.itemName');
    if (quantityOf(row.quantity) === undefined) invalid('invalid.quantity');
    const item = rowItem(row) ?? invalid('invalid.amount', 'issue.unitPrice');
    return { name, ...item };
  });
}

function readPayment(model: IssueFormModel, total: number): InvoiceInput['payment'] {
  const payment = {
    medicalInsuranceFund: amountOf(model.fund, 'field.medicalInsuranceFund'),
    personalAccount: amountOf(model.account, 'field.personalAccount'),
    otherFund: amountOf(model.other, 'field.otherFund'),
    selfPay: amountOf(model.self, 'field.selfPay'),
  };
  const sum = payment.medicalInsuranceFund + payment.personalAccount + payment.otherFund + payment.selfPay;
  if (sum !== total) {
    throw new InputError(() => t('invalid.split', { sum: formatFen(sum), total: formatFen(total) }));
  }
  return payment;
}

/** The form as the API's invoice data, and its PDF; refuses what is clearly wrong. */
export function readIssueForm<F>(model: IssueFormModel, pdf: F | undefined): { invoice: InvoiceInput; pdf: F } {
  const { code, number } = readInvoiceId(model.code, model.number);
  const type = isKeyOf(TYPE_LABELS, model.type) ? model.type : invalid('invalid.required', 'field.type');
  const payer = {
    name: requiredText(model.payerName, 'issue.payerName'),
    idNumber: requiredText(model.payerId, 'issue.payerId'),
  };
  const visit = {
    department: requiredText(model.department, 'issue.department'),
    visitDate: requiredText(model.visitDate, 'issue.visitDate'),
    ...optionalText('dischargeDate', model.dischargeDate),
    ...optionalText('medicalRecordNumber', model.medicalRecordNumber),
  };
  const items = readItems(model.items);
  const totalAmount = items.reduce((sum, item) => sum + item.amount, 0);
  const payment = readPayment(model, totalAmount);
  const reimbursableAmount = amountOf(model.reimbursable, 'issue.reimbursable');
  const file = pdf ?? invalid('invalid.pdf');
  return {
    invoice: { code, number, type, payer, visit, items, totalAmount, payment, reimbursableAmount },
    pdf: file,
  };
}
