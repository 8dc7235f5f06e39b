/**
 * The reconciliation report of a migration job: counts and amounts by type, issuing unit and day,
 * source against chain, and every item whose two sides differ. Pure: the items and what the
 * ledger holds for them are passed in.
 */
import type { InvoiceType } from '@hdt/vocabulary';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import { chinaDay } from '../../projection/project';
import type { Mismatch, MigrationReport, ReportRow, Totals } from './schemas';
import type { MigrationItem, MigrationJob } from './store';

type Side = 'source' | 'chain';

class Tally<K extends string = string> {
  private readonly rows = new Map<K, { source: Totals; chain: Totals }>();

  add(key: K, side: Side, amount: number): void {
    const row = this.rows.get(key) ?? { source: { count: 0, amount: 0 }, chain: { count: 0, amount: 0 } };
    row[side] = { count: row[side].count + 1, amount: row[side].amount + amount };
    this.rows.set(key, row);
  }

  sorted(): (ReportRow & { key: K })[] {
    return [...this.rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, row]) => ({ key, ...row }));
  }
}

/** The item's code/number key in the map of chain reads. */
export function chainKey(item: Pick<MigrationItem, 'code' | 'number'>): string {
  return `${item.code}/${item.number}`;
}

/** What differs between an item and its invoice on the ledger (issued by `mspId`). */
export function differences(
  item: MigrationItem,
  invoice: OnChainInvoice,
  mspId: string,
): Omit<Mismatch, 'seq' | 'code' | 'number'>[] {
  const found: Omit<Mismatch, 'seq' | 'code' | 'number'>[] = [];
  const differ = (kind: Mismatch['kind'], source: unknown, chain: unknown): void => {
    if (source !== chain) found.push({ kind, detail: `source ${String(source)}, chain ${String(chain)}` });
  };
  differ('issuer_differs', mspId, invoice.issuerMsp);
  differ('type_differs', item.type, invoice.type);
  differ('amount_differs', item.totalAmount, invoice.totalAmount);
  differ('issued_at_differs', item.issuedAt, invoice.issuedAt);
  if (item.prepared !== undefined) {
    differ('digest_differs', `pdf ${item.prepared.pdf.sm3}`, `pdf ${invoice.pdfDigest}`);
    differ('digest_differs', `data ${item.prepared.data.sm3}`, `data ${invoice.dataDigest}`);
  }
  return found;
}

function refusal(item: MigrationItem): Omit<Mismatch, 'seq' | 'code' | 'number'> {
  const duplicate = item.id.includes('/#');
  return { kind: duplicate ? 'duplicate' : 'refused', detail: item.reason ?? 'refused' };
}

interface Tallies {
  byType: Tally<InvoiceType>;
  byUnit: Tally;
  byDay: Tally;
}

function count(
  tallies: Tallies,
  side: Side,
  of: { type: InvoiceType; unit: string; issuedAt: string; amount: number },
) {
  tallies.byType.add(of.type, side, of.amount);
  tallies.byUnit.add(of.unit, side, of.amount);
  tallies.byDay.add(chinaDay(of.issuedAt), side, of.amount);
}

/** Counts one item on both sides; answers its mismatches. */
function reconcile(
  job: MigrationJob,
  item: MigrationItem,
  invoice: OnChainInvoice | null,
  tallies: Tallies,
): Mismatch[] {
  const where = { seq: item.seq, code: item.code, number: item.number };
  count(tallies, 'source', { type: item.type, unit: job.unitName, issuedAt: item.issuedAt, amount: item.totalAmount });
  if (item.state === 'refused') return [{ ...where, ...refusal(item) }];
  if (invoice === null) return [{ ...where, kind: 'missing_on_chain', detail: `the item is ${item.state}` }];
  const { type, issuingUnit: unit, issuedAt, totalAmount: amount } = invoice;
  count(tallies, 'chain', { type, unit, issuedAt, amount });
  return differences(item, invoice, job.mspId).map((difference) => ({ ...where, ...difference }));
}

function total(rows: readonly ReportRow[], side: Side): Totals {
  return rows.reduce((sum, row) => ({ count: sum.count + row[side].count, amount: sum.amount + row[side].amount }), {
    count: 0,
    amount: 0,
  });
}

export function buildReport(
  job: MigrationJob,
  items: readonly MigrationItem[],
  chain: ReadonlyMap<string, OnChainInvoice | null>,
  generatedAt: Date,
): MigrationReport {
  const tallies: Tallies = { byType: new Tally<InvoiceType>(), byUnit: new Tally(), byDay: new Tally() };
  const mismatches = items.flatMap((item) => reconcile(job, item, chain.get(chainKey(item)) ?? null, tallies));
  const byType = tallies.byType.sorted();
  return {
    jobId: job.id,
    sourceId: job.sourceId,
    generatedAt: generatedAt.toISOString(),
    complete: items.every((item) => item.state === 'recorded' || item.state === 'refused'),
    source: total(byType, 'source'),
    chain: total(byType, 'chain'),
    byType,
    byUnit: tallies.byUnit.sorted(),
    byDay: tallies.byDay.sorted(),
    mismatches,
  };
}
