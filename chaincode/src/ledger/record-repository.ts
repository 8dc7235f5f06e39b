/** Typed access to record indices and their batches on the ledger. */
import type { EmpiAuditAnchor, HistoryEntry, RecordBatch, RecordIndex } from '@hdt/vocabulary';
import { parseStoredEmpiHead } from '../domain/empi-anchor';
import { parseStoredBatch, parseStoredRecord } from '../domain/records';
import { empiAuditHeadKey, recordBatchKey, recordKey } from './keys';
import { encodeState } from './serialise';
import { getStates, putStates } from './state-batch';
import { getStored, storedHistory } from './stored';
import type { LedgerStub } from './stub';

export class RecordRepository {
  constructor(private readonly stub: LedgerStub) {}

  get(recordId: string): Promise<RecordIndex | undefined> {
    return getStored(this.stub, recordKey(this.stub, recordId), `record ${recordId}`, parseStoredRecord);
  }

  /** The given ids that are indexed, in the order asked: one read for the whole list. */
  async indexed(recordIds: readonly string[]): Promise<string[]> {
    const values = await getStates(
      this.stub,
      recordIds.map((recordId) => recordKey(this.stub, recordId)),
    );
    return recordIds.filter((_, i) => (values[i]?.length ?? 0) > 0);
  }

  /** Writes each record under its own key: one write for the whole list. */
  putAll(records: readonly RecordIndex[]): Promise<void> {
    return putStates(
      this.stub,
      records.map((record) => ({ key: recordKey(this.stub, record.recordId), value: encodeState(record) })),
    );
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

  getEmpiHead(): Promise<EmpiAuditAnchor | undefined> {
    return getStored(this.stub, empiAuditHeadKey(this.stub), 'EMPI audit head', parseStoredEmpiHead);
  }

  async putEmpiHead(head: EmpiAuditAnchor): Promise<void> {
    await this.stub.putState(empiAuditHeadKey(this.stub), encodeState(head));
  }
}
