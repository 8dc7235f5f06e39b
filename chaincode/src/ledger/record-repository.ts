/** Typed access to record indices and their batches on the ledger. */
import type { HistoryEntry, RecordBatch, RecordIndex } from '@hdt/vocabulary';
import { parseStoredBatch, parseStoredRecord } from '../domain/records';
import { recordBatchKey, recordKey } from './keys';
import { encodeState } from './serialise';
import { getStored, storedHistory } from './stored';
import type { LedgerStub } from './stub';

export class RecordRepository {
  constructor(private readonly stub: LedgerStub) {}

  get(recordId: string): Promise<RecordIndex | undefined> {
    return getStored(this.stub, recordKey(this.stub, recordId), `record ${recordId}`, parseStoredRecord);
  }

  async exists(recordId: string): Promise<boolean> {
    const bytes = await this.stub.getState(recordKey(this.stub, recordId));
    return bytes !== undefined && bytes.length > 0;
  }

  async put(record: RecordIndex): Promise<void> {
    await this.stub.putState(recordKey(this.stub, record.recordId), encodeState(record));
  }

  history(recordId: string): Promise<HistoryEntry<RecordIndex>[]> {
    return storedHistory(this.stub, recordKey(this.stub, recordId), `record ${recordId}`, parseStoredRecord);
  }

  getBatch(batchId: string): Promise<RecordBatch | undefined> {
    return getStored(this.stub, recordBatchKey(this.stub, batchId), `record batch ${batchId}`, parseStoredBatch);
  }

  async putBatch(batch: RecordBatch): Promise<void> {
    await this.stub.putState(recordBatchKey(this.stub, batch.batchId), encodeState(batch));
  }
}
