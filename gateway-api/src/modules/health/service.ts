import type { LedgerProbe } from '../../fabric/invoice-ledger';
import { describe, type Logger } from '../../logger';
import type { OffchainPorts } from '../../ports';
import type { IssuanceSummary } from '../invoices/issuances';

export type DependencyState = 'up' | 'down';

export interface DependencyReport {
  state: DependencyState;
  detail: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  dependencies: { fabric: DependencyReport; database: DependencyReport; ipfs: DependencyReport };
  /** Issues accepted and not yet finished (e.g. waiting for the ordering service); null when unknown. */
  pendingIssues: { count: number; oldestSince: string | null } | null;
}

const DOWN: DependencyReport = { state: 'down', detail: 'unreachable' };
const UP: DependencyReport = { state: 'up', detail: 'ok' };

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Checks Fabric (a cheap query on every org's peer), the database and IPFS. The public answer
 * says only up/down; the reasons go to the log.
 */
export class HealthService {
  constructor(
    private readonly ledger: LedgerProbe,
    private readonly offchain: Pick<OffchainPorts, 'ping'>,
    private readonly logger: Logger,
    private readonly issuances?: { summary(): Promise<IssuanceSummary> },
    private readonly timeoutMs = 4_000,
  ) {}

  async check(): Promise<HealthReport> {
    const [fabric, store, pendingIssues] = await Promise.all([
      withTimeout(this.ledger.ping(), this.timeoutMs).then(
        () => UP,
        (err: unknown) => {
          this.logger.warn('health: fabric down', { error: describe(err) });
          return DOWN;
        },
      ),
      withTimeout(this.offchain.ping(), this.timeoutMs).catch((err: unknown) => {
        this.logger.warn('health: off-chain store check failed', { error: describe(err) });
        return {
          database: { state: 'down' as const, detail: 'unknown' },
          ipfs: { state: 'down' as const, detail: 'unknown' },
        };
      }),
      this.pendingIssues(),
    ]);
    const database = store.database.state === 'up' ? UP : DOWN;
    const ipfs = store.ipfs.state === 'up' ? UP : DOWN;
    if (database !== UP) this.logger.warn('health: database down', { detail: store.database.detail });
    if (ipfs !== UP) this.logger.warn('health: ipfs down', { detail: store.ipfs.detail });
    const allUp = fabric === UP && database === UP && ipfs === UP;
    return { status: allUp ? 'ok' : 'degraded', dependencies: { fabric, database, ipfs }, pendingIssues };
  }

  private async pendingIssues(): Promise<HealthReport['pendingIssues']> {
    if (this.issuances === undefined) return null;
    try {
      const summary = await withTimeout(this.issuances.summary(), this.timeoutMs);
      return { count: summary.open, oldestSince: summary.oldestOpenAt?.toISOString() ?? null };
    } catch (err) {
      this.logger.warn('health: pending issues unknown', { error: describe(err) });
      return null;
    }
  }
}
