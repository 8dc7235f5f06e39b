/** The readable summary of a reconciliation report. */
import type { MigrationReport, ReportRow } from '../modules/migration';

const yuan = (fen: number): string => (fen / 100).toFixed(2);

function table(title: string, rows: readonly ReportRow[]): string[] {
  const lines = [
    `${title}:`,
    `  ${'key'.padEnd(34)} ${'source'.padStart(8)} ${'chain'.padStart(8)}   amount source / chain (yuan)`,
  ];
  for (const row of rows) {
    const flag = row.source.count === row.chain.count && row.source.amount === row.chain.amount ? ' ' : '!';
    lines.push(
      `${flag} ${row.key.padEnd(34)} ${String(row.source.count).padStart(8)} ${String(row.chain.count).padStart(8)}   ` +
        `${yuan(row.source.amount)} / ${yuan(row.chain.amount)}`,
    );
  }
  return lines;
}

export function summarise(report: MigrationReport, maxDays = 31): string {
  const days = report.byDay;
  const shownDays = days.length > maxDays ? days.filter((row) => row.source.count !== row.chain.count) : days;
  const lines = [
    `Migration ${report.jobId} (source ${report.sourceId}), ${report.generatedAt}`,
    `source: ${report.source.count} invoices, ${yuan(report.source.amount)} yuan`,
    `chain:  ${report.chain.count} invoices, ${yuan(report.chain.amount)} yuan`,
    `complete: ${report.complete ? 'yes' : 'no'}; mismatches: ${report.mismatches.length}`,
    '',
    ...table('by type', report.byType),
    '',
    ...table('by issuing unit', report.byUnit),
    '',
    ...table(days.length > maxDays ? `by day (${days.length} days; only those that differ)` : 'by day', shownDays),
    '',
    'mismatches:',
    ...(report.mismatches.length === 0
      ? ['  none']
      : report.mismatches.map((m) => `  item ${m.seq} ${m.code}/${m.number} ${m.kind}: ${m.detail}`)),
  ];
  return `${lines.join('\n')}\n`;
}
