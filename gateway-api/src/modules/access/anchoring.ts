/**
 * Puts the access log on chain: unanchored access records, oldest first, go in one anchor (their
 * leaves and SM3 Merkle root) per round. A round runs every `intervalMs` and as soon as a record is
 * written (nudge), so each record is anchored within ACCESS_ANCHOR_BOUND_SECONDS.
 */
import { sm3, sm3Hex } from '@hdt/offchain-store';
import { ACCESS_ANCHOR_MAX, canonicalJson, merkleLeaf } from '@hdt/vocabulary';
import type { Logger } from '../../logger';
import type { AccessLedger } from './ledger';
import type { AccessLog } from './stores';

/**
 * The Merkle leaf of an access record as stored: SM3(0x00 || UTF-8 canonical JSON of it). The
 * value is taken as the JSON it reads as (a database driver's own object types become JSON first).
 */
export function accessLeaf(raw: unknown): string {
  const json: unknown = JSON.parse(JSON.stringify(raw ?? null));
  return merkleLeaf(sm3, canonicalJson(json));
}

export interface AnchorWorkerDeps {
  log: AccessLog;
  ledger: AccessLedger;
  /** The organisation whose identity submits the anchors. */
  mspId: string;
  logger: Logger;
  intervalMs: number;
}

export class AccessAnchorWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: AnchorWorkerDeps) {}

  start(): void {
    this.timer ??= setInterval(() => this.nudge(), this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a round now, or right after the one under way. */
  nudge(): void {
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => {
      this.running = undefined;
    });
  }

  /** Anchors what is unanchored; answers how many records it anchored. */
  async anchorOnce(): Promise<number> {
    const items = await this.deps.log.unanchored(ACCESS_ANCHOR_MAX);
    const first = items[0];
    if (first === undefined) return 0;
    const accessIds = items.map((item) => item.accessId);
    const leaves = items.map((item) => accessLeaf(item.raw));
    const anchorId = `al-${first.seq}-${sm3Hex(accessIds.join(',')).slice(0, 16)}`;
    const { result } = await this.deps.ledger.anchor(this.deps.mspId, { anchorId, accessIds, leaves });
    const { root, txId, timestamp: anchoredAt } = result;
    await this.deps.log.markAnchored(
      accessIds.map((accessId, leafIndex) => ({ accessId, anchor: { anchorId, leafIndex, root, txId, anchoredAt } })),
    );
    return items.length;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.anchorOnce()) === ACCESS_ANCHOR_MAX);
      } catch (err) {
        this.deps.logger.warn('anchoring the access log failed; the next round retries', { error: String(err) });
      }
    } while (this.again);
  }
}
