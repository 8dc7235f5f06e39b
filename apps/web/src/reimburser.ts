/**
 * Reimburser portal: verify an invoice, see the claims of every payer, lock an amount for a claim,
 * reimburse it, unlock it, write the invoice off. Every refusal is shown in words with its code;
 * after a conflict the invoice is read again, so that the claims behind the refusal are in view.
 */
import type { InvoiceId, InvoiceLock } from '@hdt/vocabulary';
import { ApiError } from './api.js';
import { byId, fileOf, h, replaceChildren, setValue, valueOf } from './dom.js';
import { formatFen, parseYuan, yuanText } from './format.js';
import { onLangChange, pick, t } from './i18n.js';
import { claimAmounts, renderHistory, renderInvoice } from './invoice-view.js';
import { MISMATCH_LABELS, VERDICT_LABELS } from './labels.js';
import { statusName } from './names.js';
import { initPage, InputError, ok, onSubmit } from './page.js';
import type { Committed, HistoryItem, InvoiceSummary, Verification } from './parse.js';
import { startSession } from './session.js';
import type { TextKey } from './texts.js';

interface State {
  verification?: Verification;
  invoice?: InvoiceSummary;
  history: HistoryItem[];
}

const state: State = { history: [] };

const session = startSession('reimburser', 'reimbursement_officer', (current) => {
  if (current === undefined) {
    state.verification = undefined;
    state.invoice = undefined;
    render();
  }
});

function claimPrefix(): string {
  const msp = session.current()?.user.mspId;
  return msp === 'MedInsMSP' ? 'MI' : msp === 'InsurerMSP' ? 'INS' : 'CLM';
}

/** A fresh claim id such as MI-20261130-4821; the officer may type the claim system's own instead. */
function suggestClaimId(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const random = crypto.getRandomValues(new Uint16Array(1))[0] ?? 0;
  return `${claimPrefix()}-${day}-${String(random % 10_000).padStart(4, '0')}`;
}

function need(id: string, field: TextKey): string {
  const value = valueOf(id);
  if (value === '') throw new InputError(() => t('invalid.required', { field: t(field) }));
  return value;
}

function amount(id: string): number {
  const fen = parseYuan(valueOf(id));
  if (fen === undefined) throw new InputError(() => t('invalid.amount', { field: t('field.amountYuan') }));
  if (fen <= 0) throw new InputError(() => t('invalid.positive', { field: t('field.amountYuan') }));
  return fen;
}

function current(): InvoiceSummary {
  const invoice = state.invoice;
  if (invoice === undefined) throw new InputError(() => t('action.needInvoice'));
  return invoice;
}

function renderVerdict(): void {
  const box = byId('verdict', HTMLElement);
  const v = state.verification;
  box.hidden = v === undefined;
  if (v === undefined) return;
  box.className = `verdict ${v.result}`;
  box.dataset['result'] = v.result;
  replaceChildren(
    box,
    h('strong', { text: pick(VERDICT_LABELS[v.result]) }),
    v.status !== undefined && h('span', { text: ` ${t('verify.statusIs', { status: statusName(v.status) })}` }),
    v.mismatches.length > 0 && h('ul', {}, ...v.mismatches.map((m) => h('li', { text: pick(MISMATCH_LABELS[m]) }))),
  );
}

/** Hands an active lock to the reimburse and unlock forms. */
function useLock(lock: InvoiceLock): void {
  setValue('reimburse-claim', lock.claimId);
  setValue('reimburse-amount', yuanText(lock.amount));
  setValue('unlock-claim', lock.claimId);
}

function render(): void {
  renderVerdict();
  const invoice = state.invoice;
  byId('invoice-section', HTMLElement).hidden = invoice === undefined;
  replaceChildren(byId('invoice-area', HTMLElement), invoice && renderInvoice(invoice, { onUseLock: useLock }));
  replaceChildren(byId('history-area', HTMLElement), invoice && renderHistory(state.history));
}

/** Suggests a claim id and the amount still open, unless the officer typed their own. */
function prefillLock(invoice: InvoiceSummary): void {
  if (valueOf('lock-claim') === '') setValue('lock-claim', suggestClaimId());
  const { available } = claimAmounts(invoice, Date.now());
  if (valueOf('lock-amount') === '' && available > 0) setValue('lock-amount', yuanText(available));
}

async function load(id: InvoiceId): Promise<void> {
  const api = session.api();
  const [invoice, history] = await Promise.all([api.invoice(id), api.history(id)]);
  state.invoice = invoice;
  state.history = history;
  prefillLock(invoice);
  render();
}

async function verify(): Promise<void> {
  // What was shown belongs to the previous request: never leave it beside a new one.
  state.verification = undefined;
  state.invoice = undefined;
  render();
  const id = { code: valueOf('verify-code'), number: valueOf('verify-number') };
  if (!/^\d{8}$/.test(id.code)) throw new InputError(() => t('invalid.code'));
  if (!/^\d{10}$/.test(id.number)) throw new InputError(() => t('invalid.number'));
  const checkCode = valueOf('verify-check-code').toUpperCase();
  if (!/^[0-9A-Z]{6}$/.test(checkCode)) throw new InputError(() => t('invalid.checkCode'));
  state.verification = await session.api().verify(id, checkCode, fileOf('verify-pdf'));
  state.invoice = undefined;
  render();
  if (state.verification.result !== 'unknown') await load(id);
}

/**
 * Runs one lifecycle operation on the invoice in view and shows the committed invoice. A
 * refusal for a conflict reloads the invoice before it is shown: another payer changed it.
 */
async function apply(operation: (id: InvoiceId) => Promise<Committed>, done: (txId: string) => string): Promise<void> {
  const invoice = current();
  let committed: Committed;
  try {
    committed = await operation(invoice);
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) await load(invoice).catch(() => undefined);
    throw err;
  }
  state.invoice = committed.invoice;
  state.history = await session
    .api()
    .history(invoice)
    .catch(() => state.history);
  render();
  ok(() => `${done(committed.txId)} ${t('action.tx', { txId: committed.txId })}`);
}

async function lock(): Promise<void> {
  const claimId = need('lock-claim', 'field.claimId');
  const request = { claimId, amount: amount('lock-amount'), ttlSeconds: Number(valueOf('lock-ttl')) };
  await apply(
    (id) => session.api().lock(id, request),
    () => t('lock.done', { claimId, amount: formatFen(request.amount) }),
  );
  setValue('reimburse-claim', claimId);
  setValue('reimburse-amount', yuanText(request.amount));
  setValue('unlock-claim', claimId);
  setValue('lock-claim', '');
  setValue('lock-amount', '');
  prefillLock(current());
}

async function reimburse(): Promise<void> {
  const claimId = need('reimburse-claim', 'field.claimId');
  const paid = amount('reimburse-amount');
  await apply(
    (id) => session.api().reimburse(id, claimId, paid),
    () => t('reimburse.done', { claimId, amount: formatFen(paid) }),
  );
}

async function unlock(): Promise<void> {
  const claimId = need('unlock-claim', 'field.claimId');
  const reason = need('unlock-reason', 'field.reason');
  await apply(
    (id) => session.api().unlock(id, claimId, reason),
    () => t('unlock.done', { claimId }),
  );
}

async function writeOff(): Promise<void> {
  const reason = need('write-off-reason', 'field.reason');
  await apply(
    (id) => session.api().writeOff(id, reason),
    () => t('writeOff.done'),
  );
}

initPage();
onSubmit('verify-form', verify);
onSubmit('lock-form', lock);
onSubmit('reimburse-form', reimburse);
onSubmit('unlock-form', unlock);
onSubmit('write-off-form', writeOff);
onLangChange(render);
render();
