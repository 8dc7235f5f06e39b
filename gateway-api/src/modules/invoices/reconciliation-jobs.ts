/**
 * Reconciliation as a job: started by one request, run in the background, its progress and
 * finished report kept in the database. A job the process was running when it stopped is run
 * again from the start at the next start (the comparison only reads, so running it again is safe).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import { describe, type Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { OrphanFinder, OrphanReport, UnpinResult } from './blob-orphans';
import type { InvoiceReconciler, ReconciliationReport } from './reconciliation';

export const RECONCILIATION_JOB_STATES = ['running', 'completed', 'failed'] as const;
export type ReconciliationJobState = (typeof RECONCILIATION_JOB_STATES)[number];

export interface ReconciliationJob {
  id: string;
  issuerMsp: string;
  /** The organisation whose peer the ledger is read on (the requester's). */
  readAs: string;
  requestedBy: string;
  state: ReconciliationJobState;
  checked: number;
  total: number;
  report?: ReconciliationReport | undefined;
  orphans?: OrphanReport | undefined;
  /** CIDs unpinned at a supervisor's request, from this job's orphans. */
  unpinned?: string[] | undefined;
  lastError: string;
  createdAt: string;
  updatedAt: string;
}

export type JobChanges = Partial<
  Pick<ReconciliationJob, 'state' | 'checked' | 'total' | 'report' | 'orphans' | 'unpinned' | 'lastError'>
>;

export interface ReconciliationJobStore {
  create(job: ReconciliationJob): Promise<void>;
  find(id: string): Promise<ReconciliationJob | undefined>;
  /** The running job of an issuer, if any. */
  running(issuerMsp: string): Promise<ReconciliationJob | undefined>;
  /** Jobs that were running when their process stopped. */
  interrupted(): Promise<ReconciliationJob[]>;
  update(id: string, changes: JobChanges): Promise<void>;
}

export class InMemoryReconciliationJobStore implements ReconciliationJobStore {
  readonly jobs = new Map<string, ReconciliationJob>();

  create(job: ReconciliationJob): Promise<void> {
    this.jobs.set(job.id, structuredClone(job));
    return Promise.resolve();
  }

  find(id: string): Promise<ReconciliationJob | undefined> {
    const job = this.jobs.get(id);
    return Promise.resolve(job === undefined ? undefined : structuredClone(job));
  }

  running(issuerMsp: string): Promise<ReconciliationJob | undefined> {
    const job = [...this.jobs.values()].find((j) => j.issuerMsp === issuerMsp && j.state === 'running');
    return Promise.resolve(job === undefined ? undefined : structuredClone(job));
  }

  interrupted(): Promise<ReconciliationJob[]> {
    return Promise.resolve([...this.jobs.values()].filter((j) => j.state === 'running').map((j) => structuredClone(j)));
  }

  update(id: string, changes: JobChanges): Promise<void> {
    const job = this.jobs.get(id);
    if (job !== undefined)
      this.jobs.set(id, { ...job, ...structuredClone(changes), updatedAt: new Date().toISOString() });
    return Promise.resolve();
  }
}

const OVERSEERS = new Set(['supervisor', 'admin']);

/** Supervisors and admins reconcile any issuer; a billing clerk their own organisation. */
export function mayReconcile(user: User, issuerMsp: string): boolean {
  return OVERSEERS.has(user.role) || (user.role === 'billing_clerk' && issuerMsp === user.mspId);
}

export interface ReconciliationJobsDeps {
  store: ReconciliationJobStore;
  reconciler: Pick<InvoiceReconciler, 'run'>;
  /** Searches IPFS for unreferenced ciphertext; absent, jobs report no orphans. */
  orphans?: OrphanFinder | undefined;
  logger: Logger;
}

export class ReconciliationJobs {
  private readonly active = new Map<string, Promise<void>>();

  constructor(private readonly deps: ReconciliationJobsDeps) {}

  /** Starts a job for the issuer, or answers the one already running for it. */
  async start(user: User, issuerMsp: string): Promise<{ job: ReconciliationJob; created: boolean }> {
    if (!mayReconcile(user, issuerMsp)) {
      throw new AppError('FORBIDDEN', 'reconciliation is for supervisors, admins and the issuing clerks');
    }
    const running = await this.deps.store.running(issuerMsp);
    if (running !== undefined) return { job: running, created: false };
    const now = new Date().toISOString();
    const job: ReconciliationJob = {
      id: randomUUID(),
      issuerMsp,
      readAs: user.mspId,
      requestedBy: user.username,
      state: 'running',
      checked: 0,
      total: 0,
      lastError: '',
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.create(job);
    this.kick(job);
    return { job, created: true };
  }

  async get(user: User, id: string): Promise<ReconciliationJob> {
    const job = await this.deps.store.find(id);
    if (job === undefined || !mayReconcile(user, job.issuerMsp)) {
      throw new AppError('NOT_FOUND', `no reconciliation job ${id}`);
    }
    return job;
  }

  /** Runs again the jobs the previous process left running; answers their ids. */
  async resumeInterrupted(): Promise<string[]> {
    const jobs = await this.deps.store.interrupted();
    for (const job of jobs) if (!this.active.has(job.id)) this.kick(job);
    return jobs.map((job) => job.id);
  }

  /** Resolves when the job is no longer running in this process (tests and shutdown). */
  async idle(id: string): Promise<void> {
    await this.active.get(id);
  }

  /** Unpins the orphans a finished job listed that are still unreferenced (supervisors and admins). */
  async unpinOrphans(user: User, id: string): Promise<UnpinResult> {
    const job = await this.get(user, id);
    if (!OVERSEERS.has(user.role)) throw new AppError('FORBIDDEN', 'only supervisors and admins unpin ciphertext');
    const { orphans } = this.deps;
    if (job.state !== 'completed' || job.orphans === undefined || orphans === undefined) {
      throw new AppError('CONFLICT', `reconciliation job ${id} has no finished orphan report`);
    }
    const result = await orphans.unpin(job.orphans.orphans.map((o) => o.cid)).catch((err: unknown) => {
      throw new AppError('STORAGE_UNAVAILABLE', `unpinning orphans: ${describe(err)}`, { cause: err });
    });
    await this.deps.store.update(id, { unpinned: [...(job.unpinned ?? []), ...result.unpinned] });
    this.deps.logger.info('orphaned ciphertext unpinned', { job: id, user: user.username, ...result });
    return result;
  }

  private kick(job: ReconciliationJob): void {
    const run = this.execute(job).finally(() => this.active.delete(job.id));
    this.active.set(job.id, run);
  }

  private async execute(job: ReconciliationJob): Promise<void> {
    const { store, reconciler, orphans, logger } = this.deps;
    try {
      await store.update(job.id, { checked: 0, total: 0 });
      const progress = (checked: number, total: number) => store.update(job.id, { checked, total });
      const report = await reconciler.run(job.readAs, job.issuerMsp, progress);
      const orphanReport = orphans === undefined ? undefined : await orphans.find();
      await store.update(job.id, { state: 'completed', report, orphans: orphanReport });
      logger.info('reconciliation finished', { job: job.id, divergences: report.divergences.length });
    } catch (err) {
      logger.error('reconciliation failed', { job: job.id, error: describe(err) });
      await store.update(job.id, { state: 'failed', lastError: describe(err) }).catch((updateErr: unknown) => {
        logger.error('could not record a failed reconciliation', { job: job.id, error: describe(updateErr) });
      });
    }
  }
}
