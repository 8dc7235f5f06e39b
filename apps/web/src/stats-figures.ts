/**
 * What the statistics section shows, computed from the API's figures without the DOM: the totals
 * of the period, the daily series with its empty days, and the options of the two charts.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { DailyTotals, StatisticsBucket } from './parse.js';
import { dayCount, daysOf, type Period } from './period.js';

export interface Totals {
  readonly count: number;
  readonly totalAmount: number;
  /** Undefined when the gateway did not send reimbursable amounts. */
  readonly reimbursableAmount: number | undefined;
  readonly reimbursedAmount: number;
}

/** The sums over the buckets of one grouping (each invoice is in exactly one bucket). */
export function totalsOf(buckets: readonly StatisticsBucket[]): Totals {
  const sum = (amount: (bucket: StatisticsBucket) => number): number =>
    buckets.reduce((total, bucket) => total + amount(bucket), 0);
  const complete = buckets.every((bucket) => bucket.reimbursableAmount !== undefined);
  return {
    count: sum((bucket) => bucket.count),
    totalAmount: sum((bucket) => bucket.totalAmount),
    reimbursableAmount: complete ? sum((bucket) => bucket.reimbursableAmount ?? 0) : undefined,
    reimbursedAmount: sum((bucket) => bucket.reimbursedAmount),
  };
}

/** Up to a year, the daily chart shows every day of the period; beyond, the days with invoices. */
export const MAX_CHART_DAYS = 366;

/** The daily figures of every day of the period, a day without invoices as zeros. */
export function dailySeries(period: Period, daily: readonly DailyTotals[]): DailyTotals[] {
  if (dayCount(period) > MAX_CHART_DAYS) return [...daily];
  const byDay = new Map(daily.map((row) => [row.day, row]));
  return daysOf(period).map((day) => byDay.get(day) ?? { day, issuedCount: 0, netIssuedAmount: 0, redCount: 0 });
}

export interface DailyChartTexts {
  readonly count: string;
  readonly amount: string;
}

/** Bars: invoices issued per day; line: the net amount issued (red invoices negative), in yuan. */
export function dailyChartOption(
  series: readonly DailyTotals[],
  texts: DailyChartTexts,
  money: (fen: number) => string,
): EChartsCoreOption {
  const moneyOf = (value: unknown): string => (typeof value === 'number' ? money(Math.round(value)) : String(value));
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [texts.count, texts.amount], top: 0 },
    grid: { left: 16, right: 16, top: 48, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: series.map((row) => row.day) },
    yAxis: [
      { type: 'value', name: texts.count, minInterval: 1 },
      { type: 'value', name: texts.amount, axisLabel: { formatter: moneyOf }, splitLine: { show: false } },
    ],
    series: [
      { name: texts.count, type: 'bar', barMaxWidth: 32, data: series.map((row) => row.issuedCount) },
      {
        name: texts.amount,
        type: 'line',
        yAxisIndex: 1,
        data: series.map((row) => row.netIssuedAmount),
        tooltip: { valueFormatter: moneyOf },
      },
    ],
  };
}

/** A pie of the invoices issued by each unit. */
export function unitChartOption(byUnit: readonly StatisticsBucket[], countText: string): EChartsCoreOption {
  return {
    animation: false,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        name: countText,
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}: {c}' },
        data: byUnit.map((bucket) => ({ name: bucket.key, value: bucket.count })),
      },
    ],
  };
}
