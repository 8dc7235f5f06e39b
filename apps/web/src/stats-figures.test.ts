import { formatFen } from './format';
import type { StatisticsBucket } from './parse';
import { dailyChartOption, dailySeries, MAX_CHART_DAYS, totalsOf, unitChartOption } from './stats-figures';

const bucket = (key: string, count: number, totalAmount: number, reimbursable?: number): StatisticsBucket => ({
  key,
  count,
  totalAmount,
  ...(reimbursable === undefined ? {} : { reimbursableAmount: reimbursable }),
  reimbursedAmount: 1000,
});

describe('the figures of the statistics section', () => {
  it('adds up the buckets; red invoices already count negative', () => {
    const totals = totalsOf([bucket('A', 2, 25660, 9660), bucket('B', 1, -12830, -4830)]);
    expect(totals).toEqual({ count: 3, totalAmount: 12830, reimbursableAmount: 4830, reimbursedAmount: 2000 });
    expect(totalsOf([])).toEqual({ count: 0, totalAmount: 0, reimbursableAmount: 0, reimbursedAmount: 0 });
  });

  it('leaves the reimbursable total unknown when a bucket lacks it', () => {
    expect(totalsOf([bucket('A', 2, 25660, 9660), bucket('B', 1, 100)]).reimbursableAmount).toBeUndefined();
  });

  it('fills the days without invoices with zeros, in order', () => {
    const series = dailySeries({ from: '2026-11-28', to: '2026-11-30' }, [
      { day: '2026-11-29', issuedCount: 2, netIssuedAmount: -500, redCount: 1 },
    ]);
    expect(series.map((row) => [row.day, row.issuedCount, row.netIssuedAmount])).toEqual([
      ['2026-11-28', 0, 0],
      ['2026-11-29', 2, -500],
      ['2026-11-30', 0, 0],
    ]);
  });

  it('keeps only the days with invoices over a period longer than a year', () => {
    const daily = [{ day: '2024-06-01', issuedCount: 1, netIssuedAmount: 100, redCount: 0 }];
    expect(dailySeries({ from: '2020-01-01', to: '2026-01-01' }, daily)).toEqual(daily);
    expect(MAX_CHART_DAYS).toBe(366);
  });

  it('charts counts as bars and the net amount as a line shown in yuan', () => {
    const option = dailyChartOption(
      [{ day: '2026-11-30', issuedCount: 3, netIssuedAmount: 12830, redCount: 1 }],
      { count: 'Invoices', amount: 'Net amount' },
      formatFen,
    );
    const series = option['series'] as Array<Record<string, unknown>>;
    expect(series.map((s) => [s['type'], s['data']])).toEqual([
      ['bar', [3]],
      ['line', [12830]],
    ]);
    const tooltip = series[1]?.['tooltip'] as { valueFormatter: (value: unknown) => string };
    expect(tooltip.valueFormatter(-12830)).toBe('-¥128.30');
  });

  it('charts each unit with its count', () => {
    const option = unitChartOption([bucket('A', 2, 1), bucket('B', 1, 1)], 'Invoices');
    const [pie] = option['series'] as Array<Record<string, unknown>>;
    expect(pie?.['data']).toEqual([
      { name: 'A', value: 2 },
      { name: 'B', value: 1 },
    ]);
  });
});
