/** The statistics as rows of formatted cells, in the page language, for the supervisor's tables. */
import { formatCount, formatFen } from './format.js';
import { t } from './i18n.js';
import { TYPE_LABELS } from './labels.js';
import { named, orgName, statusName } from './names.js';
import type { InvoiceStatistics, StatisticsBucket } from './parse.js';
import { totalsOf } from './stats-figures.js';
import type { TextKey } from './texts.js';

export interface FigureTable {
  readonly id: string;
  readonly title: TextKey;
  readonly note?: TextKey;
  readonly headers: string[];
  readonly rows: string[][];
  readonly empty: string;
}

function optionalFen(fen: number | undefined): string {
  return fen === undefined ? '—' : formatFen(fen);
}

function bucketTable(
  id: string,
  title: TextKey,
  keyHeader: TextKey,
  buckets: readonly StatisticsBucket[],
  name: (key: string) => string,
): FigureTable {
  const headers = [keyHeader, 'stats.count', 'field.totalAmount', 'field.reimbursableAmount', 'stats.reimbursed'];
  const rows = buckets.map((b) => [
    name(b.key),
    formatCount(b.count),
    formatFen(b.totalAmount),
    optionalFen(b.reimbursableAmount),
    formatFen(b.reimbursedAmount),
  ]);
  return { id, title, headers: headers.map((key) => t(key as TextKey)), rows, empty: t('stats.empty') };
}

/** The tables by unit, type, status and payer, and the daily figures. */
export function statisticsTables(stats: InvoiceStatistics): FigureTable[] {
  return [
    bucketTable('stats-by-unit', 'stats.byUnit', 'field.issuingUnit', stats.byUnit, (key) => key),
    bucketTable('stats-by-type', 'stats.byType', 'field.type', stats.byType, (key) => named(TYPE_LABELS, key)),
    bucketTable('stats-by-status', 'stats.byStatus', 'field.status', stats.byStatus, statusName),
    {
      id: 'stats-by-payer',
      title: 'stats.byPayer',
      note: 'stats.byPayerNote',
      headers: [t('field.payerOrg'), t('stats.reimbursements'), t('stats.reimbursed')],
      rows: stats.byPayer.map((p) => [orgName(p.payerMsp), formatCount(p.count), formatFen(p.amount)]),
      empty: t('stats.emptyPayer'),
    },
    {
      id: 'stats-daily',
      title: 'stats.daily',
      headers: [t('stats.day'), t('stats.issuedCount'), t('stats.redCount'), t('stats.netAmount')],
      rows: stats.daily.map((d) => [
        d.day,
        formatCount(d.issuedCount),
        formatCount(d.redCount),
        formatFen(d.netIssuedAmount),
      ]),
      empty: t('stats.empty'),
    },
  ];
}

/** The totals of the period: label, value and the id of the value. */
export function statisticsTotals(stats: InvoiceStatistics): Array<[TextKey, string, string]> {
  const sums = totalsOf(stats.byUnit);
  return [
    ['stats.count', formatCount(sums.count), 'stats-total-count'],
    ['field.totalAmount', formatFen(sums.totalAmount), 'stats-total-amount'],
    ['field.reimbursableAmount', optionalFen(sums.reimbursableAmount), 'stats-total-reimbursable'],
    ['stats.reimbursed', formatFen(sums.reimbursedAmount), 'stats-total-reimbursed'],
  ];
}
