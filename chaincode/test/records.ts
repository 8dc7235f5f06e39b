import type { Context } from 'fabric-contract-api';
import { RecordsContract } from '../src/contracts/records-contract';
import { InMemoryLedger } from './in-memory-ledger';

export const PATIENT = 'a1'.repeat(32);

/** A valid index entry for record `recordId`. */
export function recordEntry(recordId: string, digestByte = 'd1'): Record<string, unknown> {
  return {
    recordId,
    patientId: PATIENT,
    encounterId: 'ENC-2026-0001',
    type: 'LAB_REPORT',
    recordedAt: '2026-11-20T08:30:00.000Z',
    digest: digestByte.repeat(32),
    classification: 3,
    pointer: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  };
}

export class RecordsBench {
  readonly ledger = new InMemoryLedger();
  readonly contract = new RecordsContract();
  private seconds = Date.UTC(2026, 10, 21, 9, 0, 0) / 1000;

  invoke(mspId: string, run: (ctx: Context, contract: RecordsContract) => Promise<string>): Promise<string> {
    this.seconds += 1;
    return this.ledger.invoke(mspId, (ctx) => run(ctx, this.contract), { seconds: this.seconds, nanos: 0 });
  }

  register(records: readonly Record<string, unknown>[], mspId = 'Hospital1MSP'): Promise<string> {
    const input = JSON.stringify({ records });
    return this.invoke(mspId, (ctx, c) => c.RegisterBatch(ctx, input));
  }

  submit(
    transaction: 'UpdateRecord' | 'RetractRecord' | 'AnchorEmpiAudit',
    input: object,
    mspId = 'Hospital1MSP',
  ): Promise<string> {
    const text = JSON.stringify(input);
    return this.invoke(mspId, (ctx, c) => c[transaction](ctx, text));
  }

  query(
    transaction: 'ReadRecord' | 'RecordHistory' | 'ReadBatch' | 'IndexedRecords',
    id: string,
    mspId = 'InsurerMSP',
  ): Promise<string> {
    return this.invoke(mspId, (ctx, c) => c[transaction](ctx, id));
  }

  empiHead(mspId = 'InsurerMSP'): Promise<string> {
    return this.invoke(mspId, (ctx, c) => c.ReadEmpiAuditHead(ctx));
  }
}
