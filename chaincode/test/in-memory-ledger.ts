/**
 * An in-memory stand-in for the peer, implementing only the stub and client
 * identity methods the chaincode uses. Each `invoke` is one transaction: reads
 * see committed state only (as on Fabric), writes and the event are committed
 * when the transaction function succeeds and dropped when it throws.
 */
import { Context } from 'fabric-contract-api';
import type { KeyModificationLike, KeyValueLike, LedgerStub, TimestampLike } from '../src/ledger/stub';

/** Stands in for protobuf's `Long` in `getTxTimestamp().seconds`. */
export class FakeLong {
  constructor(private readonly value: number) {}
  toNumber(): number {
    return this.value;
  }
  toString(): string {
    return String(this.value);
  }
}

export interface RecordedEvent {
  readonly txId: string;
  readonly name: string;
  readonly payload: string;
}

export interface TxOptions {
  readonly txId?: string;
  /** Seconds since the epoch; defaults to a clock advancing one minute per transaction. */
  readonly seconds?: number;
  readonly nanos?: number;
}

interface StoredModification {
  readonly txId: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
  readonly seconds: number;
  readonly nanos: number;
}

export class InMemoryTransaction implements LedgerStub {
  readonly writes = new Map<string, Uint8Array>();
  readonly policies = new Map<string, Uint8Array>();
  event: { name: string; payload: Uint8Array } | undefined;

  constructor(
    private readonly ledger: InMemoryLedger,
    readonly txId: string,
    readonly seconds: number,
    readonly nanos: number,
  ) {}

  async getState(key: string): Promise<Uint8Array> {
    return this.ledger.committed(key) ?? new Uint8Array(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, Uint8Array.from(value));
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
  }

  getTxID(): string {
    return this.txId;
  }

  getTxTimestamp(): TimestampLike {
    return { seconds: new FakeLong(this.seconds), nanos: this.nanos };
  }

  async setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    this.policies.set(key, Uint8Array.from(policy));
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload: Uint8Array.from(payload) };
  }

  async *getStateByPartialCompositeKey(objectType: string, attributes: string[]): AsyncIterable<KeyValueLike> {
    const prefix = `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
    for (const key of this.ledger.keys().sort()) {
      const value = this.ledger.committed(key);
      if (key.startsWith(prefix) && value !== undefined) yield { key, value };
    }
  }

  async *getHistoryForKey(key: string): AsyncIterable<KeyModificationLike> {
    // Fabric 2.x returns the newest modification first.
    for (const entry of [...this.ledger.modifications(key)].reverse()) {
      yield {
        txId: entry.txId,
        isDelete: entry.isDelete,
        value: entry.value,
        timestamp: { seconds: entry.seconds, nanos: entry.nanos },
      };
    }
  }
}

export class InMemoryLedger {
  private readonly state = new Map<string, Uint8Array>();
  private readonly history = new Map<string, StoredModification[]>();
  /** Key-level endorsement policies set by committed transactions. */
  readonly keyPolicies = new Map<string, Uint8Array>();
  readonly events: RecordedEvent[] = [];
  /** The last transaction run, committed or not, for inspecting attempted writes. */
  lastTransaction: InMemoryTransaction | undefined;
  private clock = Date.UTC(2026, 0, 5, 8, 30, 0) / 1000;
  private counter = 0;

  committed(key: string): Uint8Array | undefined {
    return this.state.get(key);
  }

  modifications(key: string): readonly StoredModification[] {
    return this.history.get(key) ?? [];
  }

  keys(): string[] {
    return [...this.state.keys()];
  }

  /** Writes a raw value as if committed by an earlier transaction (for corrupt-state tests). */
  seed(key: string, value: string, txId = 'seed'): void {
    const bytes = Buffer.from(value, 'utf8');
    this.state.set(key, bytes);
    this.history.set(key, [
      ...this.modifications(key),
      { txId, isDelete: false, value: bytes, seconds: this.clock, nanos: 0 },
    ]);
  }

  /** Records a deletion as if committed by an earlier transaction. */
  seedDeletion(key: string, txId = 'delete'): void {
    this.state.delete(key);
    this.history.set(key, [
      ...this.modifications(key),
      { txId, isDelete: true, value: new Uint8Array(0), seconds: this.clock, nanos: 0 },
    ]);
  }

  async invoke<T>(mspId: string, run: (ctx: Context) => Promise<T>, options: TxOptions = {}): Promise<T> {
    this.counter += 1;
    this.clock += 60;
    const tx = new InMemoryTransaction(
      this,
      options.txId ?? `tx${String(this.counter).padStart(4, '0')}`,
      options.seconds ?? this.clock,
      options.nanos ?? 123_456_789,
    );
    this.lastTransaction = tx;
    const result = await run(contextFor(tx, mspId));
    for (const [key, value] of tx.writes) {
      this.state.set(key, value);
      this.history.set(key, [
        ...this.modifications(key),
        { txId: tx.txId, isDelete: false, value, seconds: tx.seconds, nanos: tx.nanos },
      ]);
    }
    for (const [key, policy] of tx.policies) {
      this.keyPolicies.set(key, policy);
    }
    if (tx.event !== undefined) {
      this.events.push({ txId: tx.txId, name: tx.event.name, payload: Buffer.from(tx.event.payload).toString('utf8') });
    }
    return result;
  }
}

/**
 * A contract-api Context around the fake. The fake implements only the methods the
 * chaincode calls, hence the one narrowing conversion to the full shim types here.
 */
export function contextFor(stub: LedgerStub, mspId: string): Context {
  const ctx = new Context();
  const identity = { getMSPID: (): string => mspId, getID: (): string => `x509::CN=client::${mspId}` };
  ctx.stub = stub as unknown as Context['stub'];
  ctx.clientIdentity = identity as unknown as Context['clientIdentity'];
  return ctx;
}
