import type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { silentLogger } from '../logger';
import { InvoiceProjection } from './listener';
import { type CheckpointModel, type InvoiceViewModel, PROJECTION_MODEL_VERSION } from './model';
import { chinaDay } from './project';

/** Stands in for a mongoose model: findById().lean() and replaceOne with upsert and a unique _id. */
class FakeModel<T extends { _id: string }> {
  readonly rows = new Map<string, T>();

  findById(id: string): { lean: () => Promise<T | null> } {
    return { lean: async () => this.rows.get(id) ?? null };
  }

  async replaceOne(
    filter: { _id: string; revision?: { $lt: number } },
    doc: Omit<T, '_id'>,
    options: { upsert: boolean },
  ) {
    const current: (T & { revision?: number }) | undefined = this.rows.get(filter._id);
    const matches =
      current !== undefined && (filter.revision === undefined || (current.revision ?? 0) < filter.revision.$lt);
    if (!matches && current !== undefined && options.upsert) throw Object.assign(new Error('E11000'), { code: 11000 });
    this.rows.set(filter._id, { ...doc, _id: filter._id } as T);
    return { acknowledged: true };
  }

  async deleteOne(filter: { _id: string }) {
    this.rows.delete(filter._id);
    return { deletedCount: 1 };
  }

  async deleteMany() {
    this.rows.clear();
    return { deletedCount: 0 };
  }
}

function invoice(number: string, revision: number, status: string) {
  return {
    code: '31010125',
    number,
    kind: 'BLUE',
    type: 'OUTPATIENT',
    issuerMsp: 'Hospital1MSP',
    issuingUnit: 'Unit',
    status,
    totalAmount: 100,
    reimbursableAmount: 100,
    reimbursedAmount: status === 'REIMBURSED' ? 100 : 0,
    issuedAt: '2026-11-29T17:30:00.000Z',
    reimbursements: [],
    revision,
    lastTxId: `tx-${number}-${revision}`,
    updatedAt: '2026-11-29T17:30:00.000Z',
  };
}

function event(block: number, name: string, inv: ReturnType<typeof invoice>): ChaincodeEvent {
  const payload = { operation: 'ISSUE', txId: inv.lastTxId, timestamp: inv.updatedAt, invoices: [inv] };
  return {
    blockNumber: BigInt(block),
    transactionId: inv.lastTxId,
    chaincodeName: 'hdt',
    eventName: name,
    payload: Buffer.from(JSON.stringify(payload)),
  };
}

/** A ledger's events, served from a checkpoint as fabric-gateway does; ends when they run out. */
function source(events: ChaincodeEvent[], seen: bigint[]) {
  return async (checkpoint: Checkpoint): Promise<CloseableAsyncIterable<ChaincodeEvent>> => {
    const block = checkpoint.getBlockNumber();
    seen.push(block ?? -1n);
    const after = checkpoint.getTransactionId();
    let skipping = after !== undefined;
    const from = events.filter((e) => block === undefined || e.blockNumber >= block);
    const iterable = (async function* () {
      for (const e of from) {
        if (skipping) {
          if (e.transactionId === after) skipping = false;
          continue;
        }
        yield e;
      }
    })();
    return Object.assign(iterable, { close: () => undefined, [Symbol.dispose]: () => undefined });
  };
}

describe('InvoiceProjection', () => {
  it('applies each revision once, resumes from its checkpoint, and ignores replays of older revisions', async () => {
    const views = new FakeModel<{ _id: string; revision: number; status: string }>();
    const checkpoints = new FakeModel<{ _id: string; blockNumber: string; transactionId: string }>();
    const events = [
      event(5, 'InvoiceIssued', invoice('0000000001', 1, 'ISSUED')),
      event(6, 'OrgProfileSet', invoice('0000000009', 1, 'ISSUED')),
      event(7, 'InvoiceLocked', invoice('0000000001', 2, 'LOCKED')),
    ];
    const seen: bigint[] = [];
    const deps = {
      source: source(events, seen),
      views: views as unknown as InvoiceViewModel,
      checkpoints: checkpoints as unknown as CheckpointModel,
      name: 'test',
      logger: silentLogger,
      retryDelayMs: 5,
    };
    const first = new InvoiceProjection(deps);
    first.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.stop();
    expect(views.rows.get('31010125/0000000001')).toMatchObject({
      revision: 2,
      status: 'LOCKED',
      issuedDay: '2026-11-30',
      issuedAt: expect.stringMatching(/^2026-11-\d\dT/) as unknown,
    });
    expect(views.rows.has('31010125/0000000009')).toBe(false);
    expect(checkpoints.rows.get('test')).toMatchObject({ blockNumber: '7', transactionId: 'tx-0000000001-2' });

    // More events while stopped, plus a replay of an old one: the restart resumes after block 7.
    events.push(event(8, 'InvoiceReimbursed', invoice('0000000001', 3, 'REIMBURSED')));
    events.push(event(9, 'InvoiceIssued', invoice('0000000002', 1, 'ISSUED')));
    const second = new InvoiceProjection(deps);
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await second.stop();
    expect(seen.slice(0, 2)).toEqual([-1n, 7n]);
    expect(views.rows.get('31010125/0000000001')).toMatchObject({ revision: 3, status: 'REIMBURSED' });
    expect(views.rows.get('31010125/0000000002')).toMatchObject({ revision: 1 });

    // An older revision arriving again changes nothing.
    const replay = new InvoiceProjection({ ...deps, source: source([events[0]!], []), name: 'replay' });
    replay.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await replay.stop();
    expect(views.rows.get('31010125/0000000001')).toMatchObject({ revision: 3, status: 'REIMBURSED' });
  });

  it('rebuilds the query model from the first block when its checkpoint was written for another shape', async () => {
    const views = new FakeModel<{ _id: string; revision: number; issuedAt?: string }>();
    const checkpoints = new FakeModel<{ _id: string; blockNumber: string; transactionId: string }>();
    // A view and a checkpoint from before issuedAt was kept; the checkpoint has no model version.
    views.rows.set('31010125/0000000001', { _id: '31010125/0000000001', revision: 1 });
    checkpoints.rows.set('up', { _id: 'up', blockNumber: '5', transactionId: 'tx-0000000001-1' });
    const seen: bigint[] = [];
    const projection = new InvoiceProjection({
      source: source([event(5, 'InvoiceIssued', invoice('0000000001', 1, 'ISSUED'))], seen),
      views: views as unknown as InvoiceViewModel,
      checkpoints: checkpoints as unknown as CheckpointModel,
      name: 'up',
      logger: silentLogger,
      retryDelayMs: 5,
    });
    projection.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await projection.stop();
    expect(seen[0]).toBe(-1n);
    expect(views.rows.get('31010125/0000000001')).toMatchObject({ revision: 1, issuedAt: '2026-11-29T17:30:00.000Z' });
    expect(checkpoints.rows.get('up')).toMatchObject({ blockNumber: '5', modelVersion: PROJECTION_MODEL_VERSION });
  });

  it('counts days in China Standard Time', () => {
    expect(chinaDay('2026-11-29T15:59:59.999Z')).toBe('2026-11-29');
    expect(chinaDay('2026-11-29T16:00:00.000Z')).toBe('2026-11-30');
  });
});
