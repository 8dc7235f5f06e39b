import { randomUUID } from 'node:crypto';
import { describe, type Logger } from '../../logger';
import type { IssuanceRunner } from './issuance';
import type { Issuances } from './issuances';

export interface RecoveryWorkerOptions {
  /** Pause between rounds. */
  intervalMs: number;
  /** How long the worker holds an issuance it took over. */
  leaseMs: number;
  /** At most this many issuances per round. */
  batch?: number;
  clock?: () => Date;
}

/**
 * Finishes or undoes issuances nobody is running any more: after a crash or restart, or pending
 * while the ordering service was unreachable. Every gateway process runs one; the lease in each
 * issuance keeps two of them from running the same issuance at once.
 */
export class IssuanceRecoveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly issuances: Issuances,
    private readonly runner: IssuanceRunner,
    private readonly logger: Logger,
    private readonly options: RecoveryWorkerOptions,
  ) {
    this.now = options.clock ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: takes over due issuances one at a time and resumes each. Returns how many it resumed. */
  async round(): Promise<number> {
    const batch = this.options.batch ?? 20;
    let resumed = 0;
    while (resumed < batch && !this.stopped) {
      const now = this.now();
      const claimed = await this.issuances.claimDue(now, randomUUID(), new Date(now.getTime() + this.options.leaseMs));
      if (claimed === undefined) break;
      resumed++;
      try {
        const outcome = await this.runner.resume(claimed);
        this.logger.info('issuance resumed', { invoice: claimed.id, from: claimed.state, outcome: outcome.kind });
      } catch (err) {
        // Left as it is: it becomes due again when the worker's lease runs out.
        this.logger.warn('issuance could not be resumed yet', { invoice: claimed.id, error: describe(err) });
      }
    }
    return resumed;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn('issuance recovery round failed', { error: describe(err) }))
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
