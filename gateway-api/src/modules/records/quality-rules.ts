/**
 * The data-quality rules every submitted index entry is checked against before anything goes on
 * chain: one table, each rule with a stable id, the quality dimension it measures and the message
 * a hospital sees. The chaincode still checks what it checked before (formats, duplicates); these
 * rules let the good entries of a batch through and send the others to the error store.
 */
import {
  HEALTH_RECORD_TYPES,
  HEX64,
  ICD10_CODE,
  ISO_TIMESTAMP,
  RECORD_CLASSIFICATION_MAX,
  RECORD_CLASSIFICATION_MIN,
  RECORD_ID,
  RECORD_INPUT_FIELDS,
  RECORD_POINTER_MAX,
  isRecordPointer,
  type RecordIndexInput,
} from '@hdt/vocabulary';

/** An index entry as a hospital submitted it: every field may be missing or wrong. */
export interface SubmittedEntry {
  recordId?: string | undefined;
  patientId?: string | undefined;
  encounterId?: string | undefined;
  type?: string | undefined;
  recordedAt?: string | undefined;
  digest?: string | undefined;
  classification?: number | undefined;
  pointer?: string | undefined;
  /** ICD-10 codes of the record's diagnoses; checked, kept off chain. */
  diagnosisCodes?: string[] | undefined;
}

/** How far ahead of the gateway's clock a record's time may be (clock skew between systems). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Earlier record times are refused as absurd (the project's date floor, as for visit dates). */
export const OLDEST_RECORD_TIME = '1900-01-01T00:00:00.000Z';

export const QUALITY_DIMENSIONS = ['completeness', 'validity', 'timeliness', 'uniqueness'] as const;
export type QualityDimension = (typeof QUALITY_DIMENSIONS)[number];

/** The rule table. The message follows the offending field's name. */
export const QUALITY_RULES = {
  REQUIRED_FIELD: { dimension: 'completeness', message: 'is required and must not be empty' },
  ID_FORMAT: { dimension: 'validity', message: 'must be an id of 1..64 letters, digits, ".", "_", ":" or "-"' },
  PATIENT_ID_FORMAT: {
    dimension: 'validity',
    message: 'must be the EMPI pseudonym: 64 lowercase hexadecimal characters',
  },
  RECORD_TYPE_DOMAIN: { dimension: 'validity', message: `must be one of ${HEALTH_RECORD_TYPES.join(', ')}` },
  DIGEST_FORMAT: { dimension: 'validity', message: 'must be an SM3 digest: 64 lowercase hexadecimal characters' },
  CLASSIFICATION_RANGE: {
    dimension: 'validity',
    message: `must be an integer from ${RECORD_CLASSIFICATION_MIN} to ${RECORD_CLASSIFICATION_MAX}`,
  },
  POINTER_FORMAT: {
    dimension: 'validity',
    message: `must be an IPFS CID or a URI (scheme:rest, printable ASCII, no spaces, at most ${RECORD_POINTER_MAX} characters)`,
  },
  TIME_FORMAT: { dimension: 'validity', message: 'must be a real ISO-8601 UTC time with milliseconds' },
  TIME_IN_FUTURE: { dimension: 'timeliness', message: 'is more than 5 minutes after the time of submission' },
  TIME_TOO_OLD: { dimension: 'timeliness', message: `is before ${OLDEST_RECORD_TIME}` },
  DIAGNOSIS_CODE_FORMAT: { dimension: 'validity', message: 'must be an ICD-10 code such as J18.900 or I10.x00' },
  DIAGNOSIS_CODE_REPEATED: { dimension: 'validity', message: 'repeats a diagnosis code of the same entry' },
  DUPLICATE_IN_BATCH: { dimension: 'uniqueness', message: 'repeats the record id of an earlier entry of the batch' },
  DUPLICATE_ON_LEDGER: { dimension: 'uniqueness', message: 'names a record already indexed on the ledger' },
} as const satisfies Record<string, { dimension: QualityDimension; message: string }>;

export type QualityRuleId = keyof typeof QUALITY_RULES;
export const QUALITY_RULE_IDS = Object.keys(QUALITY_RULES) as QualityRuleId[];

export interface Violation {
  rule: QualityRuleId;
  field: string;
  message: string;
}

export const REQUIRED_FIELDS = RECORD_INPUT_FIELDS;

type Field = (typeof REQUIRED_FIELDS)[number];

function violation(rule: QualityRuleId, field: string): Violation {
  return { rule, field, message: `${field} ${QUALITY_RULES[rule].message}` };
}

const present = (value: unknown): boolean => value !== undefined && value !== '';

function realTime(value: string): boolean {
  return ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

/** Format rules: the field, when present, must pass the test. */
const FORMATS: readonly [Field, QualityRuleId, (value: never) => boolean][] = [
  ['recordId', 'ID_FORMAT', (v: string) => RECORD_ID.test(v)],
  ['encounterId', 'ID_FORMAT', (v: string) => RECORD_ID.test(v)],
  ['patientId', 'PATIENT_ID_FORMAT', (v: string) => HEX64.test(v)],
  ['type', 'RECORD_TYPE_DOMAIN', (v: string) => (HEALTH_RECORD_TYPES as readonly string[]).includes(v)],
  ['digest', 'DIGEST_FORMAT', (v: string) => HEX64.test(v)],
  [
    'classification',
    'CLASSIFICATION_RANGE',
    (v: number) => Number.isInteger(v) && v >= RECORD_CLASSIFICATION_MIN && v <= RECORD_CLASSIFICATION_MAX,
  ],
  ['pointer', 'POINTER_FORMAT', isRecordPointer],
  ['recordedAt', 'TIME_FORMAT', realTime],
];

function timeliness(recordedAt: string | undefined, now: Date): Violation[] {
  if (recordedAt === undefined || !realTime(recordedAt)) return [];
  const at = Date.parse(recordedAt);
  if (at > now.getTime() + FUTURE_SKEW_MS) return [violation('TIME_IN_FUTURE', 'recordedAt')];
  if (at < Date.parse(OLDEST_RECORD_TIME)) return [violation('TIME_TOO_OLD', 'recordedAt')];
  return [];
}

function diagnosisCodes(codes: readonly string[] | undefined): Violation[] {
  const found: Violation[] = [];
  const seen = new Set<string>();
  (codes ?? []).forEach((code, i) => {
    const field = `diagnosisCodes[${i}]`;
    if (!ICD10_CODE.test(code)) found.push(violation('DIAGNOSIS_CODE_FORMAT', field));
    else if (seen.has(code.toUpperCase())) found.push(violation('DIAGNOSIS_CODE_REPEATED', field));
    seen.add(code.toUpperCase());
  });
  return found;
}

/** Every rule about one entry on its own, in the order of the table. */
export function checkEntry(entry: SubmittedEntry, now: Date): Violation[] {
  const missing = REQUIRED_FIELDS.filter((field) => !present(entry[field]));
  const formats = FORMATS.filter(([field, , test]) => present(entry[field]) && !test(entry[field] as never));
  return [
    ...missing.map((field) => violation('REQUIRED_FIELD', field)),
    ...formats.map(([field, rule]) => violation(rule, field)),
    ...timeliness(entry.recordedAt, now),
    ...diagnosisCodes(entry.diagnosisCodes),
  ];
}

/** An entry that passed: what goes on chain, and the diagnosis codes kept off chain. */
export interface AcceptedEntry {
  index: number;
  input: RecordIndexInput;
  diagnosisCodes: string[];
}

export interface RejectedEntry {
  index: number;
  entry: SubmittedEntry;
  violations: Violation[];
}

export interface Screened {
  accepted: AcceptedEntry[];
  rejected: RejectedEntry[];
}

function chainInput(entry: SubmittedEntry): RecordIndexInput {
  const { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer } = entry;
  return { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer } as RecordIndexInput;
}

/** The record ids worth asking the ledger about: well-formed, each once. */
export function candidateIds(entries: readonly SubmittedEntry[]): string[] {
  const ids = entries
    .map((entry) => entry.recordId)
    .filter((id): id is string => id !== undefined && RECORD_ID.test(id));
  return [...new Set(ids)];
}

/** Checks a batch: each entry's own rules, then record ids repeated in the batch or already indexed. */
export function screenBatch(entries: readonly SubmittedEntry[], indexed: ReadonlySet<string>, now: Date): Screened {
  const screened: Screened = { accepted: [], rejected: [] };
  const earlier = new Set<string>();
  entries.forEach((entry, index) => {
    const violations = checkEntry(entry, now);
    const id = entry.recordId;
    if (id !== undefined && RECORD_ID.test(id)) {
      if (earlier.has(id)) violations.push(violation('DUPLICATE_IN_BATCH', 'recordId'));
      else if (indexed.has(id)) violations.push(violation('DUPLICATE_ON_LEDGER', 'recordId'));
      earlier.add(id);
    }
    if (violations.length > 0) screened.rejected.push({ index, entry, violations });
    else screened.accepted.push({ index, input: chainInput(entry), diagnosisCodes: entry.diagnosisCodes ?? [] });
  });
  return screened;
}
