/**
 * The supervisor page's statistics: a period form (by default the 30 days ending today, China
 * Standard Time), the totals, tables by issuing unit, type, status and payer, the daily figures,
 * and two ECharts charts (daily counts and net amounts; invoices by unit). The tables carry the
 * figures; the charts are drawn only when ECharts loaded. `#stats-result` carries data-from and
 * data-to of the period shown.
 */
import type { Api } from './api.js';
import { byId, type Child, h, replaceChildren, setValue, table, valueOf } from './dom.js';
import { formatCount, formatFen } from './format.js';
import { t } from './i18n.js';
import type { TextKey } from './texts.js';
import { TYPE_LABELS } from './labels.js';
import { named, orgName, statusName } from './names.js';
import { act, InputError, onSubmit } from './page.js';
import type { InvoiceStatistics, StatisticsBucket } from './parse.js';
import { isDay, lastDays, type Period } from './period.js';
import { dailyChartOption, dailySeries, totalsOf, unitChartOption } from './stats-figures.js';

const DEFAULT_DAYS = 30;
const CHARTS = ['stats-chart-daily', 'stats-chart-unit'] as const;

export interface StatisticsSection {
  /** After signing in or out: forgets the figures (and an answer still on its way); signed in, loads the default period. */
  reset(signedIn: boolean): void;
  /** Draws the figures again (after a change of language). */
  render(): void;
}

function bucketTable(
  id: string,
  keyHeader: TextKey,
  buckets: readonly StatisticsBucket[],
  name: (key: string) => string,
) {
  const headers = [
    t(keyHeader),
    t('stats.count'),
    t('field.totalAmount'),
    t('field.reimbursableAmount'),
    t('stats.reimbursed'),
  ];
  const rows = buckets.map((b) => [
    name(b.key),
    formatCount(b.count),
    formatFen(b.totalAmount),
    b.reimbursableAmount === undefined ? '—' : formatFen(b.reimbursableAmount),
    formatFen(b.reimbursedAmount),
  ]);
  return figures(id, headers, rows, t('stats.empty'));
}

function figures(id: string, headers: string[], rows: Child[][], empty: string): HTMLElement {
  const el = table(headers, rows, empty);
  el.id = id;
  el.classList.add('figures');
  return el;
}

function totals(stats: InvoiceStatistics): HTMLElement {
  const sums = totalsOf(stats.byUnit);
  const entries: Array<[TextKey, string, string]> = [
    ['stats.count', formatCount(sums.count), 'stats-total-count'],
    ['field.totalAmount', formatFen(sums.totalAmount), 'stats-total-amount'],
    [
      'field.reimbursableAmount',
      sums.reimbursableAmount === undefined ? '—' : formatFen(sums.reimbursableAmount),
      'stats-total-reimbursable',
    ],
    ['stats.reimbursed', formatFen(sums.reimbursedAmount), 'stats-total-reimbursed'],
  ];
  const list = h('dl', { id: 'stats-totals', class: 'fields amounts' });
  for (const [key, value, id] of entries) list.append(h('dt', { text: t(key) }), h('dd', { id }, value));
  return list;
}

function payerTable(stats: InvoiceStatistics): HTMLElement {
  const headers = [t('field.payerOrg'), t('stats.reimbursements'), t('stats.reimbursed')];
  const rows = stats.byPayer.map((p) => [orgName(p.payerMsp), formatCount(p.count), formatFen(p.amount)]);
  return figures('stats-by-payer', headers, rows, t('stats.emptyPayer'));
}

function dailyTable(stats: InvoiceStatistics): HTMLElement {
  const headers = [t('stats.day'), t('stats.issuedCount'), t('stats.redCount'), t('stats.netAmount')];
  const rows = stats.daily.map((d) => [
    d.day,
    formatCount(d.issuedCount),
    formatCount(d.redCount),
    formatFen(d.netIssuedAmount),
  ]);
  return figures('stats-daily', headers, rows, t('stats.empty'));
}

function renderTables(stats: InvoiceStatistics): void {
  replaceChildren(
    byId('stats-area', HTMLElement),
    h('p', { id: 'stats-period', text: t('stats.period', stats.period) }),
    h('h3', { text: t('stats.totals') }),
    totals(stats),
  );
  replaceChildren(
    byId('stats-tables', HTMLElement),
    h('h3', { text: t('stats.byUnit') }),
    bucketTable('stats-by-unit', 'field.issuingUnit', stats.byUnit, (key) => key),
    h('h3', { text: t('stats.byType') }),
    bucketTable('stats-by-type', 'field.type', stats.byType, (key) => named(TYPE_LABELS, key)),
    h('h3', { text: t('stats.byStatus') }),
    bucketTable('stats-by-status', 'field.status', stats.byStatus, statusName),
    h('h3', { text: t('stats.byPayer') }),
    h('p', { class: 'hint', text: t('stats.byPayerNote') }),
    payerTable(stats),
    h('h3', { text: t('stats.daily') }),
    dailyTable(stats),
  );
}

function chartsLoaded(): boolean {
  return typeof echarts !== 'undefined';
}

function disposeCharts(): void {
  if (!chartsLoaded()) return;
  for (const id of CHARTS) echarts.getInstanceByDom(byId(id, HTMLElement))?.dispose();
}

function draw(id: (typeof CHARTS)[number], option: echarts.Option): void {
  const el = byId(id, HTMLElement);
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption(option, true);
}

/** Draws the charts once their containers are shown (ECharts measures them). */
function renderCharts(stats: InvoiceStatistics): void {
  byId('stats-no-charts', HTMLElement).hidden = chartsLoaded();
  byId('stats-charts', HTMLElement).hidden = !chartsLoaded();
  if (!chartsLoaded()) return;
  const series = dailySeries(stats.period, stats.daily);
  draw(
    'stats-chart-daily',
    dailyChartOption(series, { count: t('stats.issuedCount'), amount: t('stats.netAmount') }, formatFen),
  );
  draw('stats-chart-unit', unitChartOption(stats.byUnit, t('stats.count')));
}

function resizeCharts(): void {
  if (!chartsLoaded()) return;
  for (const id of CHARTS) echarts.getInstanceByDom(byId(id, HTMLElement))?.resize();
}

function periodOfForm(): Period {
  const period = { from: valueOf('stats-from'), to: valueOf('stats-to') };
  if (!isDay(period.from) || !isDay(period.to) || period.from > period.to) {
    throw new InputError(() => t('invalid.period'));
  }
  return period;
}

export function statisticsSection(api: () => Api): StatisticsSection {
  let shown: InvoiceStatistics | undefined;
  /** Answers to an earlier request than the latest are dropped. */
  let requests = 0;

  const render = (): void => {
    const result = byId('stats-result', HTMLElement);
    result.hidden = shown === undefined;
    if (shown === undefined) {
      disposeCharts();
      replaceChildren(byId('stats-area', HTMLElement));
      replaceChildren(byId('stats-tables', HTMLElement));
      delete result.dataset['from'];
      delete result.dataset['to'];
      return;
    }
    renderTables(shown);
    renderCharts(shown);
    result.dataset['from'] = shown.period.from;
    result.dataset['to'] = shown.period.to;
  };

  const load = async (): Promise<void> => {
    const period = periodOfForm();
    const request = ++requests;
    const stats = await api().statistics(period);
    if (request !== requests) return;
    shown = stats;
    render();
  };

  const reset = (signedIn: boolean): void => {
    requests += 1;
    shown = undefined;
    render();
    if (signedIn) void act(byId('stats-submit', HTMLButtonElement), load);
  };

  const period = lastDays(DEFAULT_DAYS);
  setValue('stats-from', period.from);
  setValue('stats-to', period.to);
  onSubmit('stats-form', load);
  window.addEventListener('resize', resizeCharts);
  return { reset, render };
}
