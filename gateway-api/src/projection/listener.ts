/**
 * Follows the chaincode's events from a persisted checkpoint and keeps the query model. Killed
 * and restarted, it resumes after the last event it stored; an event stored but not yet
 * checkpointed is applied again, which the revision guard makes harmless.
 */
import type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { INVOICE_EVENTS } from '@hdt/vocabulary';
import { describe, type Logger } from '../logger';
import { type CheckpointModel, type InvoiceViewModel, PROJECTION_MODEL_VERSION } from './model';
import { applyInvoiceEvent } from './project';

export type EventSource = (checkpoint: Checkpoint) => Promise<CloseableAsyncIterable<ChaincodeEvent>>;

const INVOICE_EVENT_NAMES = new Set<string>(Object.values(INVOICE_EVENTS));

/** A fabric-gateway checkpoint kept in the database. */
export class StoredCheckpoint implements Checkpoint {
  private blockNumber: bigint | undefined;
  private transactionId: string | undefined;

  constructor(
    private readonly model: CheckpointModel,
    readonly name: string,
  ) {}

  /** Reads the checkpoint; false when it was written for another shape of the query model. */
  async load(): Promise<boolean> {
    const doc = await this.model.findById(this.name).lean();
    this.blockNumber = doc === null ? undefined : BigInt(doc.blockNumber);
    this.transactionId = doc?.transactionId;
    return doc === null || doc.modelVersion === PROJECTION_MODEL_VERSION;
  }

  async forget(): Promise<void> {
    await this.model.deleteOne({ _id: this.name });
    this.blockNumber = undefined;
    this.transactionId = undefined;
  }

  getBlockNumber(): bigint | undefined {
    return this.blockNumber;
  }

  getTransactionId(): string | undefined {
    return this.transactionId;
  }

  async save(event: ChaincodeEvent): Promise<void> {
    const doc = {
      blockNumber: event.blockNumber.toString(),
      transactionId: event.transactionId,
      modelVersion: PROJECTION_MODEL_VERSION,
    };
    await this.model.replaceOne({ _id: this.name }, doc, { upsert: true });
    this.blockNumber = event.blockNumber;
    this.transactionId = event.transactionId;
  }
}

export interface ProjectionDeps {
  source: EventSource;
  views: InvoiceViewModel;
  checkpoints: CheckpointModel;
  /** Names the checkpoint: one per independent listener. */
  name: string;
  logger: Logger;
  retryDelayMs?: number;
}

export class InvoiceProjection {
  private stopped = false;
  private current: CloseableAsyncIterable<ChaincodeEvent> | undefined;
  private readonly checkpoint: StoredCheckpoint;
  private done: Promise<void> = Promise.resolve();
  private wake: () => void = () => undefined;
  /** Events stored since start (for health and tests). */
  applied = 0;

  constructor(private readonly deps: ProjectionDeps) {
    this.checkpoint = new StoredCheckpoint(deps.checkpoints, deps.name);
  }

  start(): void {
    this.stopped = false;
    this.done = this.run();
  }

  /** Stops after the event in hand; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.close();
    this.wake();
    await this.done;
  }

  lastBlock(): bigint | undefined {
    return this.checkpoint.getBlockNumber();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (error) {
        if (this.stopped) break;
        this.deps.logger.warn('invoice projection interrupted; resuming from its checkpoint', {
          error: describe(error),
        });
      }
      // The event stream ended or failed: resume from the checkpoint after a pause.
      if (!this.stopped) await this.pause();
    }
  }

  /** Empties the query model and its checkpoint, so the events are applied again from the first block. */
  private async rebuild(): Promise<void> {
    this.deps.logger.info('invoice projection: query model of an older shape, rebuilding it from the first block', {
      modelVersion: PROJECTION_MODEL_VERSION,
    });
    await this.deps.views.deleteMany({});
    await this.checkpoint.forget();
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.deps.retryDelayMs ?? 2_000);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async follow(): Promise<void> {
    if (!(await this.checkpoint.load())) await this.rebuild();
    this.current = await this.deps.source(this.checkpoint);
    try {
      for await (const event of this.current) {
        if (INVOICE_EVENT_NAMES.has(event.eventName)) {
          await applyInvoiceEvent(this.deps.views, event.payload, Number(event.blockNumber));
        }
        await this.checkpoint.save(event);
        this.applied += 1;
        if (this.stopped) break;
      }
    } finally {
      this.current.close();
      this.current = undefined;
    }
  }
}
