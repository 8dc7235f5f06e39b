/**
 * Use cases of a migration job: create (or find again) the job of a source, take chunks of source
 * items — each stored at once: check code protected, documents encrypted into IPFS — run the job
 * to its end, report progress and reconcile. Putting items on chain is the runner's part.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hmacSm3Hex, sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, IMPORT_BATCH_MAX } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { MigrationLedger } from '../../fabric/migration-ledger';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import type { Logger } from '../../logger';
import type { DocumentFiles } from '../../ports';
import { canIssueInvoices, type User } from '../auth/roles';
import { generateCheckCode, protectCheckCode } from '../invoices/check-code';
import type { InvoiceRecords } from '../invoices/records';
import { storedData } from '../invoices/service';
import { fromStorageError } from '../invoices/storage-errors';
import { limiter, mapLimited } from './limit';
import { buildReport, chainKey } from './report';
import { MigrationRunner } from './runner';
import type { ItemResult, JobResponse, MigrationReport, SourceItem } from './schemas';
import {
  duplicateItemId,
  itemId,
  type MigrationItem,
  type MigrationJob,
  type MigrationStore,
  type PreparedItem,
} from './store';

export interface MigrationServiceDeps {
  ledger: MigrationLedger;
  /** The unit name the org registry on the ledger holds for `mspId`. */
  unitName: (mspId: string) => Promise<string>;
  files: DocumentFiles;
  records: InvoiceRecords;
  store: MigrationStore;
  issuerSecret: Uint8Array;
  /** PBKDF2-HMAC-SM3 iterations protecting the check codes, as for issued invoices. */
  checkCodeIterations: number;
  logger: Logger;
  /** Check-code derivations at a time (default: the number of cores). */
  kdfConcurrency?: number;
  newCheckCode?: () => string;
}

/** Items stored at a time within one request (each: a derivation and two encrypted documents). */
const STORE_CONCURRENCY = 8;

export interface CreateJobInput {
  sourceId: string;
  description?: string | undefined;
}

/** A source item parsed from a request, its PDF decoded. */
export interface SourceInput extends Omit<SourceItem, 'pdf'> {
  pdf: Uint8Array;
}

interface SortedItems {
  results: ItemResult[];
  toStore: { item: MigrationItem; input: SourceInput }[];
  duplicates: MigrationItem[];
}

function sourceDigest(input: SourceInput): string {
  const { pdf, ...rest } = input;
  return sm3Hex(canonicalJson({ ...rest, checkCode: input.checkCode ?? null, pdfDigest: sm3Hex(pdf) }));
}

function resultOf(item: MigrationItem): ItemResult {
  const { seq, code, number, state, reason } = item;
  return reason === undefined ? { seq, code, number, state } : { seq, code, number, state, reason };
}

export class MigrationService {
  private readonly runner: MigrationRunner;
  private readonly kdf: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly newCheckCode: () => string;

  constructor(private readonly deps: MigrationServiceDeps) {
    this.runner = new MigrationRunner(deps);
    this.kdf = limiter(deps.kdfConcurrency ?? availableParallelism());
    this.newCheckCode = deps.newCheckCode ?? generateCheckCode;
  }

  /** Creates the job of a source, or answers the existing one (`created: false`). */
  async createJob(user: User, input: CreateJobInput): Promise<{ job: JobResponse; created: boolean }> {
    requireClerk(user);
    const now = new Date().toISOString();
    const job: MigrationJob = {
      id: randomUUID(),
      mspId: user.mspId,
      sourceId: input.sourceId,
      description: input.description ?? '',
      unitName: await this.deps.unitName(user.mspId),
      createdBy: user.username,
      createdAt: now,
      sealed: false,
      state: 'open',
      lastError: '',
      updatedAt: now,
    };
    const { job: stored, created } = await this.deps.store.createJob(job).catch((err: unknown) => {
      throw fromStorageError(err, 'creating the migration job');
    });
    if (created) this.deps.logger.info('migration job created', { jobId: stored.id, mspId: stored.mspId });
    return { job: await this.view(stored), created };
  }

  async progress(user: User, jobId: string): Promise<JobResponse> {
    return this.view(await this.ownJob(user, jobId));
  }

  /**
   * Takes a chunk of source items: each new one is recorded, its check code protected and its
   * documents stored encrypted; a re-sent one is recognised and left as it is. Then the runner
   * puts full batches on chain in the background.
   */
  async addItems(user: User, jobId: string, inputs: readonly SourceInput[]): Promise<ItemResult[]> {
    const job = await this.ownJob(user, jobId);
    if (job.sealed) throw new AppError('CONFLICT', 'the job was run: it takes no more items');
    const { store } = this.deps;
    const ids = inputs.map((input) => itemId(job.id, input.invoice.code, input.invoice.number));
    const known = await store.findItems(ids).catch((err: unknown) => {
      throw fromStorageError(err, 'reading the items');
    });
    const sorted = this.sortOut(job, inputs, known);
    await store.saveItems([...sorted.duplicates, ...sorted.toStore.map(({ item }) => item)]).catch((err: unknown) => {
      throw fromStorageError(err, 'recording the items');
    });
    const stored = await mapLimited(sorted.toStore, STORE_CONCURRENCY, ({ item, input }) =>
      this.storeItem(item, input),
    );
    await store.saveItems(stored).catch((err: unknown) => {
      throw fromStorageError(err, 'recording the stored items');
    });
    this.runner.kick(job.id);
    return [...sorted.results, ...stored.map(resultOf)].sort((a, b) => a.seq - b.seq);
  }

  /** Which items are new (or still pending) and to be stored, which repeat another item, which were sent before. */
  private sortOut(job: MigrationJob, inputs: readonly SourceInput[], found: readonly MigrationItem[]): SortedItems {
    const known = new Map(found.map((item) => [item.id, item]));
    const sorted: SortedItems = { results: [], toStore: [], duplicates: [] };
    for (const input of inputs) {
      const item = this.newItem(job, input);
      const existing = known.get(item.id);
      if (existing === undefined) {
        known.set(item.id, item);
        sorted.toStore.push({ item, input });
      } else if (existing.seq !== item.seq) {
        const duplicate = this.duplicateOf(item, existing);
        sorted.duplicates.push(duplicate);
        sorted.results.push(resultOf(duplicate));
      } else if (existing.sourceDigest !== item.sourceDigest) {
        sorted.results.push({ ...resultOf(existing), reason: `item ${item.seq} was sent before with other content` });
      } else if (existing.state === 'pending') {
        sorted.toStore.push({ item: existing, input });
      } else {
        sorted.results.push(resultOf(existing));
      }
    }
    return sorted;
  }

  /** No more items: the runner imports what is left, then the job is completed. */
  async run(user: User, jobId: string): Promise<JobResponse> {
    const job = await this.ownJob(user, jobId);
    await this.deps.store.updateJob(job.id, { sealed: true });
    this.runner.kick(job.id);
    return this.view({ ...job, sealed: true });
  }

  /**
   * Takes up again the jobs whose import was under way when the previous process stopped (at
   * start): each goes on from what its items say. Answers their ids.
   */
  async resumeInterrupted(): Promise<string[]> {
    const jobs = await this.deps.store.interruptedJobs();
    for (const job of jobs) this.runner.kick(job.id);
    return jobs.map((job) => job.id);
  }

  /** Resolves when the runner has nothing left to do for the job (tests and shutdown). */
  idle(jobId: string): Promise<void> {
    return this.runner.idle(jobId);
  }

  /** Source against chain: every item's invoice read back from the ledger. */
  async report(user: User, jobId: string): Promise<MigrationReport> {
    const job = await this.ownJob(user, jobId);
    const items = await this.deps.store.allItems(job.id);
    const wanted = items.filter((item) => item.state !== 'refused');
    const chain = new Map<string, OnChainInvoice | null>();
    for (let start = 0; start < wanted.length; start += IMPORT_BATCH_MAX) {
      const slice = wanted.slice(start, start + IMPORT_BATCH_MAX);
      const found = await this.deps.ledger.readBatch(job.mspId, slice);
      slice.forEach((item, index) => chain.set(chainKey(item), found[index] ?? null));
    }
    return buildReport(job, items, chain, new Date());
  }

  private newItem(job: MigrationJob, input: SourceInput): MigrationItem {
    const { code, number, type, totalAmount } = input.invoice;
    return {
      id: itemId(job.id, code, number),
      jobId: job.id,
      seq: input.seq,
      code,
      number,
      type,
      totalAmount,
      issuedAt: new Date(input.issuedAt).toISOString(),
      sourceDigest: sourceDigest(input),
      state: 'pending',
    };
  }

  private duplicateOf(item: MigrationItem, first: MigrationItem): MigrationItem {
    return {
      ...item,
      id: duplicateItemId(item.jobId, item.seq),
      state: 'refused',
      reason: `DUPLICATE: invoice ${item.code}/${item.number} is also source item ${first.seq}`,
    };
  }

  /** Protects the check code, makes the pseudonym and stores both documents encrypted. */
  private async storeItem(item: MigrationItem, input: SourceInput): Promise<MigrationItem> {
    const { invoice } = input;
    const checkCode = input.checkCode ?? this.newCheckCode();
    const protection = await this.kdf(() => protectCheckCode(invoice, checkCode, this.deps.checkCodeIterations));
    const dataBytes = Buffer.from(canonicalJson(storedData(invoice, checkCode)), 'utf8');
    const base = `invoice/${invoice.code}/${invoice.number}`;
    try {
      const data = await this.deps.files.putDocument(`${base}/data`, dataBytes);
      const pdf = await this.deps.files.putDocument(`${base}/pdf`, input.pdf);
      const prepared: PreparedItem = {
        ...protection,
        payerPseudonym: hmacSm3Hex(this.deps.issuerSecret, invoice.payer.idNumber),
        payment: invoice.payment,
        reimbursableAmount: invoice.reimbursableAmount,
        data,
        pdf,
      };
      return { ...item, state: 'stored', prepared };
    } catch (err) {
      throw fromStorageError(err, 'storing the documents');
    }
  }

  private async ownJob(user: User, jobId: string): Promise<MigrationJob> {
    requireClerk(user);
    const job = await this.deps.store.findJob(jobId).catch((err: unknown) => {
      throw fromStorageError(err, 'reading the migration job');
    });
    if (job === undefined || job.mspId !== user.mspId) throw new AppError('NOT_FOUND', 'no such migration job');
    return job;
  }

  private async view(job: MigrationJob): Promise<JobResponse> {
    const counts = await this.deps.store.countByState(job.id);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const { id, sourceId, description, unitName, state, sealed, lastError, createdAt, updatedAt } = job;
    const done = sealed && counts.recorded + counts.refused === total;
    return {
      ...{ id, sourceId, description, unitName, state, sealed, lastError, createdAt, updatedAt },
      counts: { ...counts, total },
      done,
    };
  }
}

function requireClerk(user: User): void {
  if (!canIssueInvoices(user)) {
    throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation migrate invoices');
  }
}
