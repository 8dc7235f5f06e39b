/**
 * Migration jobs and their items, as kept in the document database. An item's state only moves
 * forward — pending → stored → anchored → recorded, or refused — so a job interrupted at any
 * point resumes from what its items say, and nothing is imported twice.
 */
import type { InvoiceType } from '@hdt/vocabulary';
import type { StoredDocument } from '../../ports';

/**
 * pending: accepted, documents not yet stored; stored: documents encrypted into IPFS and the
 * check code protected; anchored: on the ledger (txId); recorded: the invoice record saved as
 * for an issued invoice; refused: never imported (reason says why).
 */
export const ITEM_STATES = ['pending', 'stored', 'anchored', 'recorded', 'refused'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const JOB_STATES = ['open', 'running', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface MigrationJob {
  id: string;
  mspId: string;
  /** The client's stable name of its source (e.g. the digest of a manifest): one job per source and org. */
  sourceId: string;
  description: string;
  /** The org's unit name in the registry when the job was created: the source side's unit. */
  unitName: string;
  createdBy: string;
  createdAt: string;
  /** Set by `run`: no more items come; the last, partial batch is imported too. */
  sealed: boolean;
  state: JobState;
  /** Why the job stopped, when it failed; "" otherwise. */
  lastError: string;
  updatedAt: string;
}

/** What goes on chain for an item besides what the source says, computed once when it is stored. */
export interface PreparedItem {
  checkCodeSalt: string;
  checkCodeIterations: number;
  checkCodeHash: string;
  payerPseudonym: string;
  payment: { medicalInsuranceFund: number; personalAccount: number; otherFund: number; selfPay: number };
  reimbursableAmount: number;
  data: StoredDocument;
  pdf: StoredDocument;
}

export interface MigrationItem {
  /** `jobId/code/number`; a duplicate of an earlier item's code and number: `jobId/#seq`. */
  id: string;
  jobId: string;
  /** The item's position in the source (line number of the manifest). */
  seq: number;
  code: string;
  number: string;
  type: InvoiceType;
  totalAmount: number;
  /** Original issue time, ISO-8601 UTC with milliseconds. */
  issuedAt: string;
  /** SM3 of the canonical JSON of the source item (PDF by its digest): a re-sent item is recognised. */
  sourceDigest: string;
  state: ItemState;
  prepared?: PreparedItem | undefined;
  txId?: string | undefined;
  reason?: string | undefined;
}

export function itemId(jobId: string, code: string, number: string): string {
  return `${jobId}/${code}/${number}`;
}

export function duplicateItemId(jobId: string, seq: number): string {
  return `${jobId}/#${seq}`;
}

export type StateCounts = Record<ItemState, number>;

export interface MigrationStore {
  /** Creates the job, or answers the one that already exists for (mspId, sourceId). */
  createJob(job: MigrationJob): Promise<{ job: MigrationJob; created: boolean }>;
  findJob(id: string): Promise<MigrationJob | undefined>;
  /** Jobs a runner was working on when its process stopped (state `running`). */
  interruptedJobs(): Promise<MigrationJob[]>;
  updateJob(id: string, changes: Partial<Pick<MigrationJob, 'sealed' | 'state' | 'lastError'>>): Promise<void>;
  /** Inserts a new item; answers the item already stored under its id instead, if there is one. */
  insertItem(item: MigrationItem): Promise<MigrationItem | undefined>;
  /** The items stored under these ids (those that exist). */
  findItems(ids: readonly string[]): Promise<MigrationItem[]>;
  /** Inserts or replaces items (state changes). */
  saveItems(items: readonly MigrationItem[]): Promise<void>;
  /** Up to `limit` items of the job in `state`, in source order. */
  itemsInState(jobId: string, state: ItemState, limit: number): Promise<MigrationItem[]>;
  countByState(jobId: string): Promise<StateCounts>;
  /** Every item of the job, in source order. */
  allItems(jobId: string): Promise<MigrationItem[]>;
}

export function emptyCounts(): StateCounts {
  return { pending: 0, stored: 0, anchored: 0, recorded: 0, refused: 0 };
}

/** The store in memory (unit tests, and the reference for the Mongo one's semantics). */
export class InMemoryMigrationStore implements MigrationStore {
  readonly jobs = new Map<string, MigrationJob>();
  readonly items = new Map<string, MigrationItem>();

  createJob(job: MigrationJob): Promise<{ job: MigrationJob; created: boolean }> {
    const existing = [...this.jobs.values()].find((j) => j.mspId === job.mspId && j.sourceId === job.sourceId);
    if (existing !== undefined) return Promise.resolve({ job: structuredClone(existing), created: false });
    this.jobs.set(job.id, structuredClone(job));
    return Promise.resolve({ job, created: true });
  }

  findJob(id: string): Promise<MigrationJob | undefined> {
    const job = this.jobs.get(id);
    return Promise.resolve(job === undefined ? undefined : structuredClone(job));
  }

  interruptedJobs(): Promise<MigrationJob[]> {
    return Promise.resolve([...this.jobs.values()].filter((j) => j.state === 'running').map((j) => structuredClone(j)));
  }

  updateJob(id: string, changes: Partial<Pick<MigrationJob, 'sealed' | 'state' | 'lastError'>>): Promise<void> {
    const job = this.jobs.get(id);
    if (job !== undefined) this.jobs.set(id, { ...job, ...changes, updatedAt: new Date().toISOString() });
    return Promise.resolve();
  }

  insertItem(item: MigrationItem): Promise<MigrationItem | undefined> {
    const existing = this.items.get(item.id);
    if (existing !== undefined) return Promise.resolve(structuredClone(existing));
    this.items.set(item.id, structuredClone(item));
    return Promise.resolve(undefined);
  }

  findItems(ids: readonly string[]): Promise<MigrationItem[]> {
    return Promise.resolve(
      ids.flatMap((id) => {
        const item = this.items.get(id);
        return item === undefined ? [] : [structuredClone(item)];
      }),
    );
  }

  saveItems(items: readonly MigrationItem[]): Promise<void> {
    for (const item of items) this.items.set(item.id, structuredClone(item));
    return Promise.resolve();
  }

  async itemsInState(jobId: string, state: ItemState, limit: number): Promise<MigrationItem[]> {
    return (await this.allItems(jobId)).filter((item) => item.state === state).slice(0, limit);
  }

  async countByState(jobId: string): Promise<StateCounts> {
    const counts = emptyCounts();
    for (const item of await this.allItems(jobId)) counts[item.state] += 1;
    return counts;
  }

  allItems(jobId: string): Promise<MigrationItem[]> {
    return Promise.resolve(
      [...this.items.values()]
        .filter((item) => item.jobId === jobId)
        .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id))
        .map((item) => structuredClone(item)),
    );
  }
}
