/**
 * Contract `records`: the health-record index. A hospital registers up to RECORD_BATCH_MAX record
 * indices in one transaction, anchored by the batch's SM3 Merkle root; each record then lives
 * under its own key, where only its source hospital updates or retracts it.
 */
import { RECORD_EVENTS, RECORDS_CONTRACT, type RecordIndex } from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { nextEmpiHead, parseAnchorEmpiAuditJson } from '../domain/empi-anchor';
import { ErrorCode, chaincodeError } from '../domain/errors';
import type { TxContext } from '../domain/invoice';
import { authoriseIssuer, authoriseMember } from '../domain/orgs';
import {
  applyRecordRetraction,
  applyRecordUpdate,
  batchResult,
  buildBatch,
  parseIndexedRecordsJson,
  parseRecordId,
  parseRegisterBatchJson,
  parseRetractRecordJson,
  parseUpdateRecordJson,
} from '../domain/records';
import { RecordRepository } from '../ledger/record-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

function notFound(recordId: string): Error {
  return chaincodeError(ErrorCode.RECORD_NOT_FOUND, `record ${recordId} is not indexed`);
}

async function existing(records: RecordRepository, recordId: string): Promise<RecordIndex> {
  const record = await records.get(recordId);
  if (record === undefined) throw notFound(recordId);
  return record;
}

/** Refuses the first record of the batch already on the ledger, naming its index. */
async function refuseIndexed(records: RecordRepository, recordIds: readonly string[]): Promise<void> {
  const [first] = await records.indexed(recordIds);
  if (first !== undefined) {
    const index = recordIds.indexOf(first);
    throw chaincodeError(ErrorCode.RECORD_EXISTS, `records[${index}]: record ${first} is already indexed`);
  }
}

function hospitalTx(ctx: Context): TxContext {
  return { mspId: authoriseIssuer(ctx.clientIdentity.getMSPID()), ...currentTransaction(ctx.stub) };
}

/** Reads a record, applies one change of its source hospital, stores it and emits its event. */
async function change(
  ctx: Context,
  operation: 'UPDATE' | 'RETRACT',
  recordId: string,
  apply: (record: RecordIndex, tx: TxContext) => RecordIndex,
): Promise<string> {
  const tx = hospitalTx(ctx);
  const records = new RecordRepository(ctx.stub);
  const next = apply(await existing(records, recordId), tx);
  await records.put(next);
  emitEvent(ctx.stub, RECORD_EVENTS[operation], next);
  return canonicalJson(next);
}

export class RecordsContract extends Contract {
  constructor() {
    super(RECORDS_CONTRACT.name);
  }

  /** A hospital registers up to RECORD_BATCH_MAX new record indices, all or none. */
  @Transaction()
  @Returns('string')
  async RegisterBatch(ctx: Context, input: string): Promise<string> {
    const parsed = parseRegisterBatchJson(input);
    const tx = hospitalTx(ctx);
    const records = new RecordRepository(ctx.stub);
    await refuseIndexed(
      records,
      parsed.records.map((record) => record.recordId),
    );

    const { batch, records: indexed } = buildBatch(parsed, tx);
    await records.putBatch(batch);
    await records.putAll(indexed);
    const result = batchResult(batch);
    emitEvent(ctx.stub, RECORD_EVENTS.REGISTER, result);
    return canonicalJson(result);
  }

  /** The source hospital records a new digest and pointer of the record, with a reason. */
  @Transaction()
  @Returns('string')
  async UpdateRecord(ctx: Context, input: string): Promise<string> {
    const parsed = parseUpdateRecordJson(input);
    return change(ctx, 'UPDATE', parsed.recordId, (record, tx) => applyRecordUpdate(record, parsed, tx));
  }

  /** The source hospital retracts the record, with a reason; its index stays on the ledger. */
  @Transaction()
  @Returns('string')
  async RetractRecord(ctx: Context, input: string): Promise<string> {
    const parsed = parseRetractRecordJson(input);
    return change(ctx, 'RETRACT', parsed.recordId, (record, tx) => applyRecordRetraction(record, parsed, tx));
  }

  @Transaction(false)
  @Returns('string')
  async ReadRecord(ctx: Context, recordId: string): Promise<string> {
    const id = parseRecordId(recordId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await existing(new RecordRepository(ctx.stub), id));
  }

  /** Which of the given record ids are indexed, in the order asked: one query for a whole batch. */
  @Transaction(false)
  @Returns('string')
  async IndexedRecords(ctx: Context, input: string): Promise<string> {
    const { recordIds } = parseIndexedRecordsJson(input);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await new RecordRepository(ctx.stub).indexed(recordIds));
  }

  /** Every committed version of the record's index, oldest first. */
  @Transaction(false)
  @Returns('string')
  async RecordHistory(ctx: Context, recordId: string): Promise<string> {
    const id = parseRecordId(recordId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const entries = await new RecordRepository(ctx.stub).history(id);
    if (entries.length === 0) throw notFound(id);
    return canonicalJson(entries);
  }

  /** The batch with its root and leaves. */
  @Transaction(false)
  @Returns('string')
  async ReadBatch(ctx: Context, batchId: string): Promise<string> {
    authoriseMember(ctx.clientIdentity.getMSPID());
    const batch = await new RecordRepository(ctx.stub).getBatch(String(batchId));
    if (batch === undefined) throw chaincodeError(ErrorCode.BATCH_NOT_FOUND, `record batch ${batchId} does not exist`);
    return canonicalJson(batch);
  }

  /** Any member anchors the newest EMPI audit entry; the head only moves forward. */
  @Transaction()
  @Returns('string')
  async AnchorEmpiAudit(ctx: Context, input: string): Promise<string> {
    const parsed = parseAnchorEmpiAuditJson(input);
    const tx: TxContext = { mspId: authoriseMember(ctx.clientIdentity.getMSPID()), ...currentTransaction(ctx.stub) };
    const records = new RecordRepository(ctx.stub);
    const { head, changed } = nextEmpiHead(await records.getEmpiHead(), parsed, tx);
    if (changed) await records.putEmpiHead(head);
    return canonicalJson(head);
  }

  /** The anchored head of the EMPI audit trail, or null. */
  @Transaction(false)
  @Returns('string')
  async ReadEmpiAuditHead(ctx: Context): Promise<string> {
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson((await new RecordRepository(ctx.stub).getEmpiHead()) ?? null);
  }
}
