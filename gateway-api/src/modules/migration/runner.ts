/**
 * Puts a job's stored items on chain, IMPORT_BATCH_MAX at a time, and saves their invoice records.
 * Before each batch it reads the batch back from the ledger: an item already there with the same
 * documents counts as done (an earlier run got that far), with other documents it is refused. A
 * batch the chaincode refuses for one item (named by index) is submitted again without it.
 */
import { IMPORT_BATCH_MAX, type ImportedInvoiceInput } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import type { MigrationLedger } from '../../fabric/migration-ledger';
import { describe, type Logger } from '../../logger';
import type { InvoiceRecordData, InvoiceRecords } from '../invoices/records';
import { mapLimited } from './limit';
import type { MigrationItem, MigrationJob, MigrationStore, PreparedItem } from './store';

export interface RunnerDeps {
  ledger: MigrationLedger;
  records: InvoiceRecords;
  store: MigrationStore;
  logger: Logger;
}

const RECORD_CONCURRENCY = 8;
const ITEM_INDEX = /invoices\[(\d+)\]/;

type Prepared = MigrationItem & { prepared: PreparedItem };

function isPrepared(item: MigrationItem): item is Prepared {
  return item.prepared !== undefined;
}

function ledgerItem(item: Prepared): ImportedInvoiceInput {
  const { prepared } = item;
  return {
    code: item.code,
    number: item.number,
    checkCodeSalt: prepared.checkCodeSalt,
    checkCodeIterations: prepared.checkCodeIterations,
    checkCodeHash: prepared.checkCodeHash,
    type: item.type,
    totalAmount: item.totalAmount,
    payment: {
      medicalInsuranceFund: prepared.payment.medicalInsuranceFund,
      personalAccount: prepared.payment.personalAccount,
      otherFund: prepared.payment.otherFund,
      selfPay: prepared.payment.selfPay,
    },
    reimbursableAmount: prepared.reimbursableAmount,
    payerPseudonym: prepared.payerPseudonym,
    dataDigest: prepared.data.sm3,
    pdfDigest: prepared.pdf.sm3,
    dataCid: prepared.data.cid,
    pdfCid: prepared.pdf.cid,
    issuedAt: item.issuedAt,
  };
}

function sameDocuments(item: Prepared, invoice: OnChainInvoice): boolean {
  return invoice.pdfDigest === item.prepared.pdf.sm3 && invoice.dataDigest === item.prepared.data.sm3;
}

/** The index of the batch item a chaincode refusal names, if it names one. */
export function refusedIndex(err: unknown): number | undefined {
  if (!(err instanceof AppError) || err.status >= 500) return undefined;
  const match = ITEM_INDEX.exec(err.message);
  return match === null ? undefined : Number(match[1]);
}

function record(job: MigrationJob, item: Prepared): InvoiceRecordData {
  const ref = (doc: PreparedItem['pdf']) => ({ cid: doc.cid, sm3: doc.sm3, keyId: doc.keyId, size: doc.size });
  return {
    code: item.code,
    number: item.number,
    issuerMsp: job.mspId,
    issuingUnit: job.unitName,
    type: item.type,
    totalAmount: item.totalAmount,
    status: 'ISSUED',
    pdf: ref(item.prepared.pdf),
    data: ref(item.prepared.data),
    txId: item.txId ?? '',
    createdBy: job.createdBy,
  };
}

export class MigrationRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Starts working on the job, or makes the running pass look again when it ends. */
  kick(jobId: string): void {
    if (this.running.has(jobId)) {
      this.again.add(jobId);
      return;
    }
    const pass = this.work(jobId).finally(() => {
      this.running.delete(jobId);
      if (this.again.delete(jobId)) this.kick(jobId);
    });
    this.running.set(jobId, pass);
  }

  async idle(jobId: string): Promise<void> {
    for (let pass = this.running.get(jobId); pass !== undefined; pass = this.running.get(jobId)) await pass;
  }

  private async work(jobId: string): Promise<void> {
    const { store, logger } = this.deps;
    try {
      const job = await store.findJob(jobId);
      if (job === undefined) return;
      await store.updateJob(jobId, { state: 'running', lastError: '' });
      await this.finish(await this.importStored(job));
    } catch (err) {
      logger.error('migration job stopped', { jobId, error: describe(err) });
      const message = err instanceof Error ? err.message : 'unexpected failure';
      await store.updateJob(jobId, { state: 'failed', lastError: message }).catch(() => undefined);
    }
  }

  /** Imports full batches, and the last partial one once the job is sealed. Answers the job as last read. */
  private async importStored(start: MigrationJob): Promise<MigrationJob> {
    const { store } = this.deps;
    let job = start;
    for (;;) {
      await this.recordAnchored(job);
      const batch = await store.itemsInState(job.id, 'stored', IMPORT_BATCH_MAX);
      if (batch.length === 0 || (batch.length < IMPORT_BATCH_MAX && !job.sealed)) return job;
      await this.anchor(job, batch.filter(isPrepared));
      job = (await store.findJob(job.id)) ?? job;
    }
  }

  /** Completed once sealed with nothing left in between; open (waiting for items) otherwise. */
  private async finish(job: MigrationJob): Promise<void> {
    const counts = await this.deps.store.countByState(job.id);
    const finished = job.sealed && counts.pending + counts.stored + counts.anchored === 0;
    await this.deps.store.updateJob(job.id, { state: finished ? 'completed' : 'open' });
    if (finished) this.deps.logger.info('migration job completed', { jobId: job.id, ...counts });
  }

  /** One batch: what is on chain already is settled, the rest is imported. */
  private async anchor(job: MigrationJob, items: readonly Prepared[]): Promise<void> {
    const { ledger, store } = this.deps;
    const onChain = await ledger.readBatch(job.mspId, items);
    const settled: MigrationItem[] = [];
    const fresh: Prepared[] = [];
    items.forEach((item, index) => {
      const invoice = onChain[index] ?? null;
      if (invoice === null) fresh.push(item);
      else if (invoice.issuerMsp === job.mspId && sameDocuments(item, invoice))
        settled.push({ ...item, state: 'anchored', txId: invoice.lastTxId });
      else
        settled.push({
          ...item,
          state: 'refused',
          reason: `INVOICE_EXISTS: invoice ${item.code}/${item.number} is on the ledger with other content`,
        });
    });
    await store.saveItems(settled);
    await this.importAll(job, fresh);
  }

  /** Imports the items; an item the chaincode refuses is set aside and the rest submitted again. */
  private async importAll(job: MigrationJob, items: readonly Prepared[]): Promise<void> {
    const { ledger, store } = this.deps;
    let rest = [...items];
    while (rest.length > 0) {
      const first = rest[0]!;
      const input = { batchId: `${job.id}.${first.seq}`, actor: job.createdBy, invoices: rest.map(ledgerItem) };
      try {
        const { txId } = await ledger.importBatch(job.mspId, input);
        await store.saveItems(rest.map((item) => ({ ...item, state: 'anchored', txId })));
        return;
      } catch (err) {
        const index = refusedIndex(err);
        const refused = index === undefined ? undefined : rest[index];
        if (refused === undefined || !(err instanceof AppError)) throw err;
        const reason = `${err.code}: ${err.message.replace(ITEM_INDEX, `source item ${refused.seq}`)}`;
        await store.saveItems([{ ...refused, state: 'refused', reason }]);
        rest = rest.filter((_, i) => i !== index);
      }
    }
  }

  /** Saves the invoice record of every anchored item, as an issue does. */
  private async recordAnchored(job: MigrationJob): Promise<void> {
    const { records, store } = this.deps;
    for (;;) {
      const anchored = (await store.itemsInState(job.id, 'anchored', 1000)).filter(isPrepared);
      if (anchored.length === 0) return;
      await mapLimited(anchored, RECORD_CONCURRENCY, (item) => records.upsert(record(job, item)));
      await store.saveItems(anchored.map((item) => ({ ...item, state: 'recorded' })));
    }
  }
}
