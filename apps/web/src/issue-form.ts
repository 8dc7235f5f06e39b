/**
 * The issue form of the billing console: line items with their amounts, the payment split and
 * the reimbursable amount, typed in yuan and sent in fen. The page checks what it can (formats,
 * sums) before the API does; the API's own checks still apply and are shown as they come.
 */
import type { InvoiceType } from '@hdt/vocabulary';
import { byId, fileOf, h, valueOf } from './dom.js';
import { formatFen, parseYuan } from './format.js';
import { pick, t } from './i18n.js';
import { isKeyOf, TYPE_LABELS } from './labels.js';
import { InputError } from './page.js';
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
  readonly visit: { readonly department: string; readonly visitDate: string };
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

const CODE = /^\d{8}$/;
const NUMBER = /^\d{10}$/;

function invalid(key: TextKey, field?: TextKey): never {
  throw new InputError(() => t(key, field === undefined ? {} : { field: t(field) }));
}

function required(id: string, field: TextKey): string {
  const value = valueOf(id);
  return value === '' ? invalid('invalid.required', field) : value;
}

/** An amount field in yuan, as fen. */
export function amountOf(id: string, field: TextKey, blankIsZero = false): number {
  const text = valueOf(id);
  if (text === '' && blankIsZero) return 0;
  return parseYuan(text) ?? invalid('invalid.amount', field);
}

function quantityOf(text: string): number | undefined {
  const quantity = Number(text);
  return text !== '' && Number.isFinite(quantity) && quantity > 0 ? quantity : undefined;
}

function cellInput(row: HTMLElement, name: string): HTMLInputElement {
  const input = row.querySelector(`input[name="${name}"]`);
  if (!(input instanceof HTMLInputElement)) throw new Error(`item row without ${name}`);
  return input;
}

/** One row's item; undefined while its quantity or price is not (yet) a number. */
function rowItem(row: HTMLElement): Omit<InvoiceItem, 'name'> | undefined {
  const quantity = quantityOf(cellInput(row, 'quantity').value.trim());
  const unitPrice = parseYuan(cellInput(row, 'unitPrice').value);
  if (quantity === undefined || unitPrice === undefined) return undefined;
  return { quantity, unitPrice, amount: Math.round(quantity * unitPrice) };
}

function rows(): HTMLElement[] {
  return [...byId('items', HTMLElement).querySelectorAll<HTMLElement>('tr')];
}

/** Shows each row's amount and the total. */
export function refreshTotals(): void {
  let total = 0;
  for (const row of rows()) {
    const item = rowItem(row);
    const cell = row.querySelector('.item-amount');
    if (cell !== null) cell.textContent = item === undefined ? '—' : formatFen(item.amount);
    total += item?.amount ?? 0;
  }
  byId('items-total', HTMLElement).textContent = t('issue.total', { amount: formatFen(total) });
}

function input(name: string, value: string, mode?: string): HTMLInputElement {
  const el = h('input', { attrs: { name, ...(mode === undefined ? {} : { inputmode: mode }) } });
  el.value = value;
  return el;
}

export function addItemRow(name = '', quantity = '1', unitPrice = ''): void {
  const row = h('tr', {});
  const remove = h('button', {
    class: 'small secondary',
    text: t('issue.removeItem'),
    attrs: { type: 'button', 'data-i18n': 'issue.removeItem' },
    onClick: () => {
      if (rows().length > 1) row.remove();
      refreshTotals();
    },
  });
  row.append(
    h('td', {}, input('name', name)),
    h('td', {}, input('quantity', quantity, 'decimal')),
    h('td', {}, input('unitPrice', unitPrice, 'decimal')),
    h('td', { class: 'item-amount' }),
    h('td', {}, remove),
  );
  row.addEventListener('input', refreshTotals);
  byId('items', HTMLElement).append(row);
  refreshTotals();
}

function readItems(): InvoiceItem[] {
  return rows().map((row) => {
    const name = cellInput(row, 'name').value.trim();
    if (name === '') invalid('invalid.required', 'issue.itemName');
    if (quantityOf(cellInput(row, 'quantity').value.trim()) === undefined) invalid('invalid.quantity');
    const item = rowItem(row) ?? invalid('invalid.amount', 'issue.unitPrice');
    return { name, ...item };
  });
}

function readPayment(total: number): InvoiceInput['payment'] {
  const payment = {
    medicalInsuranceFund: amountOf('pay-fund', 'field.medicalInsuranceFund', true),
    personalAccount: amountOf('pay-account', 'field.personalAccount', true),
    otherFund: amountOf('pay-other', 'field.otherFund', true),
    selfPay: amountOf('pay-self', 'field.selfPay', true),
  };
  const sum = payment.medicalInsuranceFund + payment.personalAccount + payment.otherFund + payment.selfPay;
  if (sum !== total) {
    throw new InputError(() => t('invalid.split', { sum: formatFen(sum), total: formatFen(total) }));
  }
  return payment;
}

function readType(): InvoiceType {
  const type = valueOf('issue-type');
  return isKeyOf(TYPE_LABELS, type) ? type : invalid('invalid.required', 'field.type');
}

/** The form as the API's invoice data, and its PDF; refuses what is clearly wrong. */
export function readIssueForm(): { invoice: InvoiceInput; pdf: File } {
  const code = valueOf('issue-code');
  const number = valueOf('issue-number');
  if (!CODE.test(code)) invalid('invalid.code');
  if (!NUMBER.test(number)) invalid('invalid.number');
  const payer = {
    name: required('issue-payer-name', 'issue.payerName'),
    idNumber: required('issue-payer-id', 'issue.payerId'),
  };
  const visit = {
    department: required('issue-department', 'issue.department'),
    visitDate: required('issue-visit-date', 'issue.visitDate'),
  };
  const items = readItems();
  const totalAmount = items.reduce((sum, item) => sum + item.amount, 0);
  const payment = readPayment(totalAmount);
  const reimbursableAmount = amountOf('issue-reimbursable', 'issue.reimbursable', true);
  const pdf = fileOf('issue-pdf') ?? invalid('invalid.pdf');
  const invoice = { code, number, type: readType(), payer, visit, items, totalAmount, payment, reimbursableAmount };
  return { invoice, pdf };
}

/** Fills the type choices in the page language, keeping the selection. */
export function fillTypes(): void {
  const select = byId('issue-type', HTMLSelectElement);
  const selected = select.value;
  select.replaceChildren(
    ...Object.entries(TYPE_LABELS).map(([value, label]) => h('option', { text: pick(label), attrs: { value } })),
  );
  if (selected !== '') select.value = selected;
}
