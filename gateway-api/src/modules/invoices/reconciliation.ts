import type { InvoiceId } from '@hdt/vocabulary';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import type { Issuance } from './issuances';
import type { InvoiceRecordData } from './records';

/** Every way the ledger and this platform's off-chain copies can disagree. */
export const DIVERGENCE_KINDS = {
  ISSUANCE_STALLED:
    'an accepted issue not finished after its lease: not on chain yet (ledger unreachable), or on chain without its record yet',
  RECORD_NOT_ON_LEDGER: 'an off-chain record of an invoice the ledger does not have',
  RECORD_DIFFERS: 'an off-chain record whose documents or issuer are not the ones anchored on chain',
  LEDGER_WITHOUT_RECORD:
    'an invoice on chain, of an organisation this platform serves, whose documents no record points at',
} as const;
export type DivergenceKind = keyof typeof DIVERGENCE_KINDS;

export interface Divergence {
  kind: DivergenceKind;
  /** `code/number` */
  invoice: string;
  detail: string;
}

export interface ReconciliationReport {
  issuerMsp: string;
  checkedAt: string;
  /** How many of each side were compared. */
  counts: { records: number; ledgerInvoices: number; openIssuances: number };
  divergences: Divergence[];
  /** True when more divergences exist than listed. */
  truncated: boolean;
}

export interface ReconcilerDeps {
  /** Each invoice or null, in the order of `ids` (at most 200 per call). */
  ledger: { readBatch(mspId: string, ids: readonly InvoiceId[]): Promise<(OnChainInvoice | null)[]> };
  /** The off-chain records of one issuer, in `code/number` order, after `after`. */
  records: { listByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<InvoiceRecordData[]> };
  /** Ids (`code/number`) of one issuer's invoices on chain, as the event projection saw them, after `after`. */
  chain: { idsByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<string[]> };
  issuances: { listOpen(limit: number): Promise<Issuance[]> };
  /** How many records and projected invoice ids of one issuer there are (the progress's total). */
  count?: (issuerMsp: string) => Promise<number>;
  /** An open issuance older than this counts as stalled. */
  stalledAfterMs: number;
  clock?: () => Date;
}

/** Called after each page compared: how many records and invoice ids are checked, of how many. */
export type ProgressListener = (checked: number, total: number) => Promise<void>;

interface Run {
  readAs: string;
  issuerMsp: string;
  recorded: Set<string>;
  divergences: Divergence[];
  progress: { checked: number; total: number; report: ProgressListener };
}

const PAGE = 200;
const MAX_LISTED = 1000;

/**
 * Compares the ledger with this platform's off-chain copies for one issuing organisation: every
 * record against the invoice on chain (read now, not from the projection), every invoice the
 * chain's events reported against the records, and the issuances still open.
 */
export class InvoiceReconciler {
  private readonly now: () => Date;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  async run(readAs: string, issuerMsp: string, onProgress?: ProgressListener): Promise<ReconciliationReport> {
    const divergences: Divergence[] = [];
    const total = this.deps.count === undefined ? 0 : await this.deps.count(issuerMsp);
    const report = onProgress ?? (() => Promise.resolve());
    const run: Run = { readAs, issuerMsp, recorded: new Set(), divergences, progress: { checked: 0, total, report } };
    const records = await this.compareRecords(run);
    const ledgerInvoices = await this.findUnrecorded(run);
    const open = await this.deps.issuances.listOpen(MAX_LISTED);
    const stalledBefore = this.now().getTime() - this.deps.stalledAfterMs;
    for (const issuance of open.filter((i) => i.owner.mspId === issuerMsp)) {
      if (issuance.updatedAt.getTime() > stalledBefore) continue;
      divergences.push({
        kind: 'ISSUANCE_STALLED',
        invoice: issuance.id,
        detail: `${issuance.state} since ${issuance.updatedAt.toISOString()}, ${issuance.attempts} attempts${
          issuance.lastError === undefined ? '' : `; last error ${issuance.lastError}`
        }`,
      });
    }
    return {
      issuerMsp,
      checkedAt: this.now().toISOString(),
      counts: { records, ledgerInvoices, openIssuances: open.length },
      divergences: divergences.slice(0, MAX_LISTED),
      truncated: divergences.length > MAX_LISTED,
    };
  }

  private async compareRecords(run: Run): Promise<number> {
    const { readAs, issuerMsp, recorded, divergences } = run;
    let after: string | undefined;
    let count = 0;
    for (;;) {
      const page = await this.deps.records.listByIssuer(issuerMsp, after, PAGE);
      if (page.length === 0) return count;
      count += page.length;
      const found = await this.onLedger(readAs, page);
      page.forEach((record, i) => {
        const id = `${record.code}/${record.number}`;
        recorded.add(id);
        const problem = recordProblem(record, found[i]);
        if (problem !== undefined) divergences.push({ ...problem, invoice: id });
      });
      await advance(run, page.length);
      const last = page[page.length - 1];
      after = last === undefined ? undefined : `${last.code}/${last.number}`;
    }
  }

  private async findUnrecorded(run: Run): Promise<number> {
    const { readAs, issuerMsp, recorded, divergences } = run;
    let after: string | undefined;
    let count = 0;
    for (;;) {
      const ids = await this.deps.chain.idsByIssuer(issuerMsp, after, PAGE);
      if (ids.length === 0) return count;
      count += ids.length;
      const missing = ids.filter((id) => !recorded.has(id));
      // The projection may be behind or ahead of the records: ask the ledger and the records again.
      const onChain = await this.onLedger(
        readAs,
        missing.map((id) => {
          const [code = '', number = ''] = id.split('/');
          return { code, number };
        }),
      );
      const confirmed = onChain.map((invoice) => (invoice?.kind === 'BLUE' ? invoice : undefined));
      confirmed.forEach((invoice, i) => {
        if (invoice === undefined) return;
        divergences.push({
          kind: 'LEDGER_WITHOUT_RECORD',
          invoice: missing[i] ?? '',
          detail: `on chain since ${invoice.issuedAt} (tx ${invoice.lastTxId}); its PDF and check code are unreachable here`,
        });
      });
      await advance(run, ids.length);
      after = ids[ids.length - 1];
    }
  }

  /** The invoices on chain now, in the order of `ids`; undefined where there is none. */
  private async onLedger(readAs: string, ids: readonly InvoiceId[]): Promise<(OnChainInvoice | undefined)[]> {
    if (ids.length === 0) return [];
    const found = await this.deps.ledger.readBatch(readAs, ids);
    return found.map((invoice) => invoice ?? undefined);
  }
}

/** Counts a page as checked; the total grows when more came than were counted at the start. */
async function advance(run: Run, checked: number): Promise<void> {
  const { progress } = run;
  progress.checked += checked;
  progress.total = Math.max(progress.total, progress.checked);
  await progress.report(progress.checked, progress.total);
}

function recordProblem(
  record: InvoiceRecordData,
  invoice: OnChainInvoice | undefined,
): Omit<Divergence, 'invoice'> | undefined {
  if (invoice === undefined) {
    return {
      kind: 'RECORD_NOT_ON_LEDGER',
      detail: `record written by tx ${record.txId}; the ledger has no such invoice`,
    };
  }
  const differs = [
    invoice.pdfCid !== record.pdf.cid ? 'pdf' : undefined,
    invoice.dataCid !== record.data.cid ? 'data' : undefined,
    invoice.issuerMsp !== record.issuerMsp ? 'issuer' : undefined,
  ].filter((what) => what !== undefined);
  if (differs.length === 0) return undefined;
  return { kind: 'RECORD_DIFFERS', detail: `differs from the ledger in: ${differs.join(', ')}` };
}
