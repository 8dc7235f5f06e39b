/**
 * Health-record index: parsing of the records contract's arguments and its rules — a batch's
 * leaves and Merkle root, and the update and retraction of one record by its source organisation.
 */
import {
  HEALTH_RECORD_TYPES,
  HEX64,
  RECORD_BATCH_MAX,
  RECORD_CLASSIFICATION_MAX,
  RECORD_CLASSIFICATION_MIN,
  RECORD_ID,
  RECORD_INPUT_FIELDS,
  RECORD_OPERATIONS,
  RECORD_REASON_MAX,
  RECORD_STATUSES,
  canonicalJson,
  isRecordPointer,
  merkleLeaf,
  merkleRoot,
  type IndexedRecordsInput,
  type RecordBatch,
  type RecordIndex,
  type RecordIndexInput,
  type RecordLeafEntry,
  type RecordOperation,
  type RegisterBatchInput,
  type RegisterBatchResult,
  type RetractRecordInput,
  type UpdateRecordInput,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError, invalidArgument } from './errors';
import { expectHex64, expectIsoTimestamp, expectOneOf, expectPattern, expectString, expectText } from './fields';
import { type TxContext, decodeJsonArgument } from './invoice';
import { type Field, openObject } from './signed-inputs';
import { sm3 } from './sm3';

/** Room for RECORD_BATCH_MAX entries of about 0.4 kB each, with margin. */
export const MAX_RECORD_BATCH_INPUT_LENGTH = RECORD_BATCH_MAX * 1024;

const ID_RULE = 'an id of 1..64 letters, digits, ".", "_", ":" or "-"';

export function parseRecordId(value: unknown, path = 'recordId'): string {
  return expectPattern(value, path, RECORD_ID, ID_RULE);
}

function parsePointer(value: unknown, path: string): string {
  const text = expectString(value, path);
  if (!isRecordPointer(text)) throw invalidArgument(path, 'must be an IPFS CID or a URI');
  return text;
}

function parseClassification(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidArgument(path, 'must be an integer');
  if (value < RECORD_CLASSIFICATION_MIN || value > RECORD_CLASSIFICATION_MAX) {
    throw invalidArgument(path, `must be ${RECORD_CLASSIFICATION_MIN}..${RECORD_CLASSIFICATION_MAX}`);
  }
  return value;
}

function parseEntry(value: unknown, path: string): RecordIndexInput {
  const field: Field = openObject(value, path, RECORD_INPUT_FIELDS);
  const at = (key: string) => `${path}.${key}`;
  return {
    recordId: parseRecordId(field('recordId'), at('recordId')),
    patientId: expectPattern(field('patientId'), at('patientId'), HEX64, 'an EMPI pseudonym of 64 lowercase hex'),
    encounterId: expectPattern(field('encounterId'), at('encounterId'), RECORD_ID, ID_RULE),
    type: expectOneOf(field('type'), at('type'), HEALTH_RECORD_TYPES),
    recordedAt: expectIsoTimestamp(field('recordedAt'), at('recordedAt')),
    digest: expectHex64(field('digest'), at('digest')),
    classification: parseClassification(field('classification'), at('classification')),
    pointer: parsePointer(field('pointer'), at('pointer')),
  };
}

/** Refuses a record id that appears twice in the batch, naming the second occurrence. */
function refuseRepeats(records: readonly RecordIndexInput[]): void {
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const first = seen.get(record.recordId);
    if (first !== undefined) {
      const detail = `records[${index}]: record ${record.recordId} appears twice in the batch (also records[${first}])`;
      throw chaincodeError(ErrorCode.RECORD_EXISTS, detail);
    }
    seen.set(record.recordId, index);
  });
}

/** Parses `RegisterBatch`'s argument: 1..RECORD_BATCH_MAX entries with distinct record ids. */
export function parseRegisterBatchJson(text: unknown): RegisterBatchInput {
  const input = decodeJsonArgument(text, MAX_RECORD_BATCH_INPUT_LENGTH);
  const list = openObject(input, 'input', ['records'])('records');
  if (!Array.isArray(list) || list.length === 0 || list.length > RECORD_BATCH_MAX) {
    throw invalidArgument('records', `must be an array of 1..${RECORD_BATCH_MAX} index entries`);
  }
  const records = list.map((item: unknown, index) => parseEntry(item, `records[${index}]`));
  refuseRepeats(records);
  return { records };
}

/** Room for RECORD_BATCH_MAX record ids of 64 characters, quoted and separated. */
const MAX_RECORD_IDS_INPUT_LENGTH = RECORD_BATCH_MAX * 80;

/** Parses `IndexedRecords`' argument: 1..RECORD_BATCH_MAX record ids. */
export function parseIndexedRecordsJson(text: unknown): IndexedRecordsInput {
  const list = openObject(decodeJsonArgument(text, MAX_RECORD_IDS_INPUT_LENGTH), 'input', ['recordIds'])('recordIds');
  if (!Array.isArray(list) || list.length === 0 || list.length > RECORD_BATCH_MAX) {
    throw invalidArgument('recordIds', `must be an array of 1..${RECORD_BATCH_MAX} record ids`);
  }
  return { recordIds: list.map((id: unknown, index) => parseRecordId(id, `recordIds[${index}]`)) };
}

function parseReason(value: unknown): string {
  return expectText(value, 'reason', 1, RECORD_REASON_MAX);
}

export function parseUpdateRecordJson(text: unknown): UpdateRecordInput {
  const field = openObject(decodeJsonArgument(text), 'input', ['recordId', 'digest', 'pointer', 'reason']);
  return {
    recordId: parseRecordId(field('recordId')),
    digest: expectHex64(field('digest'), 'digest'),
    pointer: parsePointer(field('pointer'), 'pointer'),
    reason: parseReason(field('reason')),
  };
}

export function parseRetractRecordJson(text: unknown): RetractRecordInput {
  const field = openObject(decodeJsonArgument(text), 'input', ['recordId', 'reason']);
  return { recordId: parseRecordId(field('recordId')), reason: parseReason(field('reason')) };
}

/** The object whose canonical JSON is hashed into the record's leaf. */
export function leafEntry(input: RecordIndexInput, sourceOrg: string): RecordLeafEntry {
  const { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer } = input;
  return { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer, sourceOrg };
}

export function recordLeaf(entry: RecordLeafEntry): string {
  return merkleLeaf(sm3, canonicalJson(entry));
}

/** The batch made by transaction `tx` and each record's index, leaf `i` being record `i`. */
export function buildBatch(input: RegisterBatchInput, tx: TxContext): { batch: RecordBatch; records: RecordIndex[] } {
  const entries = input.records.map((record) => leafEntry(record, tx.mspId));
  const leaves = entries.map(recordLeaf);
  const batch: RecordBatch = {
    batchId: tx.txId,
    sourceOrg: tx.mspId,
    count: entries.length,
    root: merkleRoot(sm3, leaves),
    leaves,
    txId: tx.txId,
    timestamp: tx.timestamp,
  };
  const lastOperation = operation('REGISTER', tx, '');
  const records = entries.map((entry, leafIndex) => ({
    ...entry,
    batchId: batch.batchId,
    leafIndex,
    leaf: leaves[leafIndex] as string,
    status: 'ACTIVE' as const,
    version: 1,
    registeredAt: tx.timestamp,
    lastOperation,
  }));
  return { batch, records };
}

/** The batch without its leaves: what RegisterBatch answers and announces. */
export function batchResult(batch: RecordBatch): RegisterBatchResult {
  const { batchId, sourceOrg, count, root, txId, timestamp } = batch;
  return { batchId, sourceOrg, count, root, txId, timestamp };
}

function operation(op: RecordOperation, tx: TxContext, reason: string): RecordIndex['lastOperation'] {
  return { operation: op, mspId: tx.mspId, txId: tx.txId, timestamp: tx.timestamp, reason };
}

/** Only the source organisation changes a record, and never once it is retracted. */
function checkChangeable(record: RecordIndex, tx: TxContext): void {
  if (record.sourceOrg !== tx.mspId) {
    throw chaincodeError(
      ErrorCode.RECORD_NOT_OWNER,
      `record ${record.recordId} belongs to ${record.sourceOrg}; ${tx.mspId} may not change it`,
    );
  }
  if (record.status === 'RETRACTED') {
    throw chaincodeError(ErrorCode.RECORD_RETRACTED, `record ${record.recordId} was retracted`);
  }
}

export function applyRecordUpdate(record: RecordIndex, input: UpdateRecordInput, tx: TxContext): RecordIndex {
  checkChangeable(record, tx);
  const lastOperation = operation('UPDATE', tx, input.reason);
  return { ...record, digest: input.digest, pointer: input.pointer, version: record.version + 1, lastOperation };
}

export function applyRecordRetraction(record: RecordIndex, input: RetractRecordInput, tx: TxContext): RecordIndex {
  checkChangeable(record, tx);
  const lastOperation = operation('RETRACT', tx, input.reason);
  return { ...record, status: 'RETRACTED', version: record.version + 1, lastOperation };
}

function storedOperation(value: unknown): RecordIndex['lastOperation'] {
  const field = openObject(value, 'lastOperation', ['operation', 'mspId', 'txId', 'timestamp', 'reason']);
  return {
    operation: expectOneOf(field('operation'), 'lastOperation.operation', RECORD_OPERATIONS),
    mspId: expectText(field('mspId'), 'lastOperation.mspId', 1, 64),
    txId: expectText(field('txId'), 'lastOperation.txId', 1, 128),
    timestamp: expectIsoTimestamp(field('timestamp'), 'lastOperation.timestamp'),
    reason: expectText(field('reason'), 'lastOperation.reason', 0, RECORD_REASON_MAX),
  };
}

const STORED_FIELDS = [
  ...RECORD_INPUT_FIELDS,
  'sourceOrg',
  'batchId',
  'leafIndex',
  'leaf',
  'status',
  'version',
  'registeredAt',
  'lastOperation',
] as const satisfies readonly (keyof RecordIndex)[];

/** Checks a record index read back from the ledger. */
export function parseStoredRecord(value: unknown): RecordIndex {
  const field = openObject(value, 'record', STORED_FIELDS);
  const entry = Object.fromEntries(RECORD_INPUT_FIELDS.map((key) => [key, field(key)]));
  return {
    ...parseEntry(entry, 'record'),
    sourceOrg: expectText(field('sourceOrg'), 'sourceOrg', 1, 64),
    batchId: expectText(field('batchId'), 'batchId', 1, 128),
    leafIndex: counted(field('leafIndex'), 'leafIndex', 0),
    leaf: expectHex64(field('leaf'), 'leaf'),
    status: expectOneOf(field('status'), 'status', RECORD_STATUSES),
    version: counted(field('version'), 'version', 1),
    registeredAt: expectIsoTimestamp(field('registeredAt'), 'registeredAt'),
    lastOperation: storedOperation(field('lastOperation')),
  };
}

function counted(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(path, `must be an integer of at least ${min}`);
  }
  return value;
}

/** Checks a batch read back from the ledger. */
export function parseStoredBatch(value: unknown): RecordBatch {
  const fields = ['batchId', 'sourceOrg', 'count', 'root', 'leaves', 'txId', 'timestamp'];
  const field = openObject(value, 'batch', fields);
  const leaves = field('leaves');
  if (!Array.isArray(leaves)) throw invalidArgument('batch.leaves', 'must be an array');
  return {
    batchId: expectText(field('batchId'), 'batchId', 1, 128),
    sourceOrg: expectText(field('sourceOrg'), 'sourceOrg', 1, 64),
    count: counted(field('count'), 'count', 1),
    root: expectHex64(field('root'), 'root'),
    leaves: leaves.map((leaf: unknown, i) => expectHex64(leaf, `leaves[${i}]`)),
    txId: expectText(field('txId'), 'txId', 1, 128),
    timestamp: expectIsoTimestamp(field('timestamp'), 'timestamp'),
  };
}
