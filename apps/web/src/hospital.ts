/** Hospital billing console: sign in, issue an invoice (check code shown), look invoices up, void. */
import type { InvoiceId } from '@hdt/vocabulary';
import { byId, h, replaceChildren, setValue, valueOf } from './dom.js';
import { formatTime } from './format.js';
import { onLangChange, t } from './i18n.js';
import { renderHistory, renderInvoice } from './invoice-view.js';
import { addItemRow, fillTypes, readIssueForm, refreshTotals } from './issue-form.js';
import { act, initPage, InputError, ok, onSubmit } from './page.js';
import type { HistoryItem, InvoiceSummary, Issued } from './parse.js';
import { startSession } from './session.js';

interface State {
  invoice?: InvoiceSummary;
  history: HistoryItem[];
  issued?: Issued;
  /** Invoices issued in this browser session (the API has no listing yet). */
  session: Array<InvoiceId & { at: string }>;
  /** Kept until the form changes, so that resending after a lost answer issues nothing twice. */
  idempotencyKey?: string;
}

const ISSUED_KEY = 'hdt.hospital.issued';

/** The invoices issued in this browser session, as kept in sessionStorage (anything unreadable is dropped). */
function loadIssued(): State['session'] {
  try {
    const value: unknown = JSON.parse(window.sessionStorage.getItem(ISSUED_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { code, number, at } = entry as Record<string, unknown>;
      return typeof code === 'string' && typeof number === 'string' && typeof at === 'string'
        ? [{ code, number, at }]
        : [];
    });
  } catch {
    return [];
  }
}

function saveIssued(): void {
  try {
    window.sessionStorage.setItem(ISSUED_KEY, JSON.stringify(state.session));
  } catch {
    // storage disabled: the list lasts as long as the page
  }
}

const state: State = { history: [], session: loadIssued() };

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function readId(codeId: string, numberId: string): InvoiceId {
  const id = { code: valueOf(codeId), number: valueOf(numberId) };
  if (!/^\d{8}$/.test(id.code)) throw new InputError(() => t('invalid.code'));
  if (!/^\d{10}$/.test(id.number)) throw new InputError(() => t('invalid.number'));
  return id;
}

function renderIssued(): void {
  const box = byId('issue-result', HTMLElement);
  const issued = state.issued;
  box.hidden = issued === undefined;
  if (issued === undefined) return;
  replaceChildren(
    box,
    h('p', { text: t(issued.pending ? 'issue.pending' : 'issue.done', { code: issued.code, number: issued.number }) }),
    h(
      'p',
      { class: 'check-code' },
      `${t('field.checkCode')}: `,
      h('strong', { id: 'issued-check-code', text: issued.checkCode }),
    ),
    issued.pending ? undefined : h('p', { class: 'hint', text: t('action.tx', { txId: issued.txId }) }),
  );
}

function renderSessionList(): void {
  const items = state.session.map((entry) =>
    h(
      'li',
      {},
      h('code', { text: `${entry.code}-${entry.number}` }),
      ` ${formatTime(entry.at)} `,
      h('button', {
        class: 'small secondary',
        text: t('issue.view'),
        attrs: { type: 'button' },
        onClick: (event) => {
          if (event.currentTarget instanceof HTMLButtonElement) void act(event.currentTarget, () => show(entry));
        },
      }),
    ),
  );
  replaceChildren(
    byId('issued-list', HTMLElement),
    items.length === 0 ? h('p', { class: 'empty', text: t('common.none') }) : h('ul', {}, ...items),
  );
}

function renderInvoiceArea(): void {
  const invoice = state.invoice;
  byId('invoice-section', HTMLElement).hidden = invoice === undefined;
  replaceChildren(byId('invoice-area', HTMLElement), invoice && renderInvoice(invoice));
  replaceChildren(byId('history-area', HTMLElement), invoice && renderHistory(state.history));
}

const session = startSession('hospital', 'billing_clerk', (current) => {
  if (current === undefined) {
    state.invoice = undefined;
    state.issued = undefined;
    state.session = [];
    saveIssued();
    renderInvoiceArea();
    renderIssued();
    renderSessionList();
  }
});

async function show(id: InvoiceId): Promise<void> {
  const api = session.api();
  const [invoice, history] = await Promise.all([api.invoice(id), api.history(id)]);
  state.invoice = invoice;
  state.history = history;
  byId('check-code', HTMLElement).hidden = true;
  renderInvoiceArea();
}

async function issue(): Promise<void> {
  const { invoice, pdf } = readIssueForm();
  state.idempotencyKey ??= newKey();
  const issued = await session.api().issue(invoice, pdf, state.idempotencyKey);
  state.idempotencyKey = undefined;
  state.issued = issued;
  // The next invoice has its own number and PDF; the rest is often the same.
  setValue('issue-number', '');
  setValue('issue-pdf', '');
  state.session = [{ code: issued.code, number: issued.number, at: new Date().toISOString() }, ...state.session];
  saveIssued();
  renderIssued();
  renderSessionList();
  ok(() => t(issued.pending ? 'issue.pending' : 'issue.done', { code: issued.code, number: issued.number }));
  if (!issued.pending) await show(issued);
}

async function voidInvoice(): Promise<void> {
  const invoice = state.invoice;
  if (invoice === undefined) throw new InputError(() => t('action.needInvoice'));
  const reason = valueOf('void-reason');
  if (reason === '') throw new InputError(() => t('invalid.required', { field: t('field.reason') }));
  const { txId } = await session.api().void(invoice, reason);
  ok(() => `${t('void.done')} ${t('action.tx', { txId })}`);
  await show(invoice);
}

async function showCheckCode(): Promise<void> {
  const invoice = state.invoice;
  if (invoice === undefined) throw new InputError(() => t('action.needInvoice'));
  const checkCode = await session.api().checkCode(invoice);
  const box = byId('check-code', HTMLElement);
  box.hidden = false;
  box.textContent = checkCode;
}

function wire(): void {
  onSubmit('issue-form', issue);
  onSubmit('lookup-form', () => show(readId('lookup-code', 'lookup-number')));
  onSubmit('void-form', voidInvoice);
  byId('issue-form', HTMLFormElement).addEventListener('input', () => (state.idempotencyKey = undefined));
  byId('add-item', HTMLButtonElement).addEventListener('click', () => addItemRow());
  const checkCodeButton = byId('show-check-code', HTMLButtonElement);
  checkCodeButton.addEventListener('click', () => void act(checkCodeButton, showCheckCode));
}

/** Today in the reader's time zone, as YYYY-MM-DD. */
function today(): string {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
}

initPage();
setValue('issue-visit-date', today());
fillTypes();
addItemRow();
wire();
renderSessionList();
onLangChange(() => {
  fillTypes();
  refreshTotals();
  renderIssued();
  renderSessionList();
  renderInvoiceArea();
});
