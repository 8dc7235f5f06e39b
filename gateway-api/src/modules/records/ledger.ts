/**
 * Typed client of the `records` contract: the only code knowing its transaction names and how
 * their arguments are encoded. Chaincode refusals arrive as AppErrors carrying the chaincode's
 * code (see fabric/errors.ts).
 */
import { canonicalJson, RECORDS_CONTRACT, type IndexedRecordsInput, type RegisterBatchInput } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import { settled, type Committed, type LedgerClient } from '../../fabric/ledger-client';
import {
  batchResultSchema,
  batchSchema,
  recordHistorySchema,
  recordIndexSchema,
  type BatchResultView,
  type BatchView,
  type RecordHistoryView,
  type RecordIndexView,
  type RetractRecordBody,
  type UpdateRecordBody,
} from './schemas';

type RecordsTransaction = keyof typeof RECORDS_CONTRACT.transactions;

function call(transaction: RecordsTransaction, args: readonly string[]) {
  return { contract: RECORDS_CONTRACT.name, transaction, args };
}

/** Submissions name the organisation whose identity submits; reads the organisation that asks. */
export interface RecordsLedger {
  registerBatch(mspId: string, body: RegisterBatchInput): Promise<Committed<BatchResultView>>;
  /** Which of these record ids are indexed on the ledger. */
  indexed(mspId: string, recordIds: readonly string[]): Promise<Set<string>>;
  update(mspId: string, recordId: string, body: UpdateRecordBody): Promise<Committed<RecordIndexView>>;
  retract(mspId: string, recordId: string, body: RetractRecordBody): Promise<Committed<RecordIndexView>>;
  /** RECORD_NOT_FOUND when the record is not indexed. */
  read(mspId: string, recordId: string): Promise<RecordIndexView>;
  history(mspId: string, recordId: string): Promise<RecordHistoryView>;
  readBatch(mspId: string, batchId: string): Promise<BatchView>;
}

export class FabricRecordsLedger implements RecordsLedger {
  constructor(private readonly ledger: LedgerClient) {}

  /** A retried submission whose first attempt landed indexed the batch's first record under its tx id. */
  registerBatch(mspId: string, body: RegisterBatchInput): Promise<Committed<BatchResultView>> {
    const first = body.records[0]?.recordId ?? '';
    const landed = async (caller: string, txIds: readonly string[]) => {
      const record = await this.readIfIndexed(caller, first);
      if (record === undefined || !txIds.includes(record.batchId)) return undefined;
      const result = batchResultSchema.parse(await this.readBatch(caller, record.batchId));
      return { result, txId: record.batchId };
    };
    return this.ledger.submit(mspId, call('RegisterBatch', [canonicalJson(body)]), batchResultSchema, landed);
  }

  update(mspId: string, recordId: string, body: UpdateRecordBody): Promise<Committed<RecordIndexView>> {
    return this.change(mspId, 'UpdateRecord', recordId, { recordId, ...body });
  }

  retract(mspId: string, recordId: string, body: RetractRecordBody): Promise<Committed<RecordIndexView>> {
    return this.change(mspId, 'RetractRecord', recordId, { recordId, ...body });
  }

  read(mspId: string, recordId: string): Promise<RecordIndexView> {
    return this.ledger.evaluate(mspId, call('ReadRecord', [recordId]), recordIndexSchema);
  }

  history(mspId: string, recordId: string): Promise<RecordHistoryView> {
    return this.ledger.evaluate(mspId, call('RecordHistory', [recordId]), recordHistorySchema);
  }

  readBatch(mspId: string, batchId: string): Promise<BatchView> {
    return this.ledger.evaluate(mspId, call('ReadBatch', [batchId]), batchSchema);
  }

  /** One evaluation for up to RECORD_BATCH_MAX ids; none for none. */
  async indexed(mspId: string, recordIds: readonly string[]): Promise<Set<string>> {
    if (recordIds.length === 0) return new Set();
    const input: IndexedRecordsInput = { recordIds };
    const args = [canonicalJson(input)];
    return new Set(await this.ledger.evaluate(mspId, call('IndexedRecords', args), z.array(z.string())));
  }

  private async readIfIndexed(mspId: string, recordId: string): Promise<RecordIndexView | undefined> {
    try {
      return await this.read(mspId, recordId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'RECORD_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** A retried change whose first attempt landed made the record's current version. */
  private change(
    mspId: string,
    transaction: RecordsTransaction,
    recordId: string,
    input: object,
  ): Promise<Committed<RecordIndexView>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const record = await this.read(caller, recordId);
      const txId = record.lastOperation.txId;
      return txIds.includes(txId) ? { result: record, txId } : undefined;
    };
    return settled(
      this.ledger,
      this.ledger.submit(mspId, call(transaction, [canonicalJson(input)]), recordIndexSchema, landed),
    );
  }
}
