/**
 * Health records (健康档案) as consent and access name them: the kinds of record an index entry
 * points to, and the identifiers of a record and of the fields inside one.
 */
import { CID } from './fields';

/**
 * ENCOUNTER: outpatient or inpatient encounter record; LAB_REPORT / EXAM_REPORT: laboratory and
 * examination reports; DISCHARGE_SUMMARY; CHECKUP_REPORT; PRESCRIPTION; IMAGING_REPORT.
 */
export const HEALTH_RECORD_TYPES = [
  'ENCOUNTER',
  'LAB_REPORT',
  'EXAM_REPORT',
  'DISCHARGE_SUMMARY',
  'CHECKUP_REPORT',
  'PRESCRIPTION',
  'IMAGING_REPORT',
] as const;
export type HealthRecordType = (typeof HEALTH_RECORD_TYPES)[number];

/** A record's identifier at its source: 1..64 letters, digits, ".", "_", ":" or "-". */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * A field of a record, as a dotted path of identifiers (`diagnosis`, `labResults.value`): each
 * segment starts with a letter; at most 128 characters in all.
 */
export const RECORD_FIELD = /^(?=.{1,128}$)[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Classification levels of health data, 1 (public) to 5 (most sensitive). */
export const RECORD_CLASSIFICATION_MIN = 1;
export const RECORD_CLASSIFICATION_MAX = 5;

/**
 * Where the off-chain copy is: an IPFS CID of the SM4-encrypted copy, or a URI naming the copy
 * kept at the hospital (`scheme:rest`, printable ASCII without spaces, at most 256 characters).
 */
export const RECORD_POINTER_URI = /^[a-z][a-z0-9+.-]{0,15}:[\x21-\x7e]{1,240}$/;
/** The longest pointer an index entry takes, CID or URI. */
export const RECORD_POINTER_MAX = 256;

/** Whether `text` is a record's pointer: an IPFS CID or a URI, at most RECORD_POINTER_MAX characters. */
export function isRecordPointer(text: string): boolean {
  return text.length <= RECORD_POINTER_MAX && (CID.test(text) || RECORD_POINTER_URI.test(text));
}

/** The longest reason of a record's update or retraction. */
export const RECORD_REASON_MAX = 256;

/** The most index entries one RegisterBatch transaction takes. */
export const RECORD_BATCH_MAX = 500;

export const RECORD_STATUSES = ['ACTIVE', 'RETRACTED'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export const RECORD_OPERATIONS = ['REGISTER', 'UPDATE', 'RETRACT'] as const;
export type RecordOperation = (typeof RECORD_OPERATIONS)[number];

/** What a hospital submits for one record. The source organisation is the submitter. */
export interface RecordIndexInput {
  readonly recordId: string;
  /** Pseudonymous patient id (EMPI), 64 lowercase hex characters. */
  readonly patientId: string;
  readonly encounterId: string;
  readonly type: HealthRecordType;
  /** When the record was made at its source, ISO-8601 UTC with milliseconds. */
  readonly recordedAt: string;
  /** SM3 of the record's off-chain copy (its plaintext bytes), lowercase hex. */
  readonly digest: string;
  readonly classification: number;
  readonly pointer: string;
}

/** The fields of a RecordIndexInput, every one required. */
export const RECORD_INPUT_FIELDS = [
  'recordId',
  'patientId',
  'encounterId',
  'type',
  'recordedAt',
  'digest',
  'classification',
  'pointer',
] as const satisfies readonly (keyof RecordIndexInput)[];

/** The Merkle leaf of a record is SM3(0x00 || UTF-8 canonical JSON of this object). */
export interface RecordLeafEntry extends RecordIndexInput {
  readonly sourceOrg: string;
}

export interface RecordOperationRecord {
  readonly operation: RecordOperation;
  readonly mspId: string;
  readonly txId: string;
  readonly timestamp: string;
  /** The reason of an update or a retraction; "" at registration. */
  readonly reason: string;
}

/**
 * A record's index on chain. `digest` and `pointer` are the current ones; `leaf` is the hash of
 * the entry as registered, proven against the batch root.
 */
export interface RecordIndex extends RecordLeafEntry {
  readonly batchId: string;
  readonly leafIndex: number;
  readonly leaf: string;
  readonly status: RecordStatus;
  readonly version: number;
  readonly registeredAt: string;
  readonly lastOperation: RecordOperationRecord;
}

/** One RegisterBatch transaction: its id is the transaction id. */
export interface RecordBatch {
  readonly batchId: string;
  readonly sourceOrg: string;
  readonly count: number;
  /** SM3 Merkle root of the leaves, lowercase hex. */
  readonly root: string;
  /** The leaves in order (hex), so any member can build a record's proof. */
  readonly leaves: readonly string[];
  readonly txId: string;
  readonly timestamp: string;
}

export interface RegisterBatchInput {
  readonly records: readonly RecordIndexInput[];
}

/** `IndexedRecords`' input: 1..RECORD_BATCH_MAX record ids, answered with those indexed, in order. */
export interface IndexedRecordsInput {
  readonly recordIds: readonly string[];
}

export interface RegisterBatchResult {
  readonly batchId: string;
  readonly sourceOrg: string;
  readonly count: number;
  readonly root: string;
  readonly txId: string;
  readonly timestamp: string;
}

export interface UpdateRecordInput {
  readonly recordId: string;
  readonly digest: string;
  readonly pointer: string;
  readonly reason: string;
}

export interface RetractRecordInput {
  readonly recordId: string;
  readonly reason: string;
}

/** Chaincode events of the records contract (one per transaction). */
export const RECORD_EVENTS = {
  REGISTER: 'RecordBatchRegistered',
  UPDATE: 'RecordUpdated',
  RETRACT: 'RecordRetracted',
} as const satisfies Record<RecordOperation, string>;

/**
 * An ICD-10 diagnosis code as Chinese hospitals write it (GB/T 14396 and the national clinical
 * edition): a letter, two characters of the category (digits, or a digit and a letter as in
 * `C7A`), then optionally a dot and 1..7 characters of subdivision and extension (`J18.900`,
 * `I10.x00x003`).
 */
export const ICD10_CODE = /^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Za-z]{1,7})?$/;

/** The most diagnosis codes one index entry carries (kept off chain by the gateway). */
export const RECORD_DIAGNOSIS_CODES_MAX = 20;

/** `records:AnchorEmpiAudit`: the newest entry of the EMPI audit trail, by its seq and chained SM3 hash. */
export interface AnchorEmpiAuditInput {
  seq: number;
  hash: string;
}

/**
 * The EMPI audit trail's head as anchored on chain. Each entry's hash chains every entry before
 * it, so the anchored head vouches for the whole trail up to `seq`.
 */
export interface EmpiAuditAnchor extends AnchorEmpiAuditInput {
  mspId: string;
  txId: string;
  timestamp: string;
}
