/**
 * Supervisor page: the invoice statistics of a period with their charts (stats-section.ts; the
 * 30 days ending today are loaded on signing in), invoices and their on-chain history, the
 * registered units with their invoice code ranges.
 */
import type { InvoiceId, OrgProfile } from '@hdt/vocabulary';
import { byId, h, replaceChildren, table, valueOf } from './dom.js';
import { formatTime } from './format.js';
import { onLangChange, t } from './i18n.js';
import { renderHistory, renderInvoice } from './invoice-view.js';
import { orgName } from './names.js';
import { act, initPage, InputError, onSubmit } from './page.js';
import type { HistoryItem, InvoiceSummary } from './parse.js';
import { startSession } from './session.js';
import { statisticsSection } from './stats-section.js';

interface State {
  invoice?: InvoiceSummary;
  history: HistoryItem[];
  registry?: OrgProfile[];
}

const state: State = { history: [] };

function renderRegistry(): void {
  const orgs = state.registry;
  if (orgs === undefined) {
    replaceChildren(byId('registry-area', HTMLElement));
    return;
  }
  const rows = orgs.map((org) => [
    orgName(org.mspId),
    org.unitName,
    h('span', {}, ...org.codeRanges.map((r) => h('code', { class: 'range', text: `${r.first}–${r.last}` }))),
    formatTime(org.updatedAt),
  ]);
  const headers = [t('field.org'), t('registry.unit'), t('registry.ranges'), t('field.updatedAt')];
  const el = table(headers, rows, t('registry.empty'));
  el.id = 'registry';
  replaceChildren(byId('registry-area', HTMLElement), el);
}

function renderInvoiceArea(): void {
  const invoice = state.invoice;
  byId('history-section', HTMLElement).hidden = invoice === undefined;
  replaceChildren(byId('invoice-area', HTMLElement), invoice && renderInvoice(invoice));
  replaceChildren(byId('history-area', HTMLElement), invoice && renderHistory(state.history));
}

const statistics = statisticsSection(() => session.api());

const session = startSession('supervisor', 'supervisor', (current) => {
  state.invoice = undefined;
  state.registry = undefined;
  renderInvoiceArea();
  renderRegistry();
  statistics.reset(current !== undefined);
  if (current !== undefined) void act(byId('registry-refresh', HTMLButtonElement), loadRegistry);
});

async function loadRegistry(): Promise<void> {
  state.registry = await session.api().registry();
  renderRegistry();
}

async function lookup(): Promise<void> {
  const id: InvoiceId = { code: valueOf('lookup-code'), number: valueOf('lookup-number') };
  if (!/^\d{8}$/.test(id.code)) throw new InputError(() => t('invalid.code'));
  if (!/^\d{10}$/.test(id.number)) throw new InputError(() => t('invalid.number'));
  const api = session.api();
  const [invoice, history] = await Promise.all([api.invoice(id), api.history(id)]);
  state.invoice = invoice;
  state.history = history;
  renderInvoiceArea();
}

initPage();
onSubmit('lookup-form', lookup);
const refresh = byId('registry-refresh', HTMLButtonElement);
refresh.addEventListener('click', () => void act(refresh, loadRegistry));
onLangChange(() => {
  renderRegistry();
  renderInvoiceArea();
  statistics.render();
});
