/**
 * Request and response schemas of the health-record index. Index entries are forwarded to the
 * chaincode as parsed here (checked, never transformed); the chaincode checks them again.
 */
import {
  CID,
  HEALTH_RECORD_TYPES,
  HEX64,
  ISO_TIMESTAMP,
  RECORD_BATCH_MAX,
  RECORD_DIAGNOSIS_CODES_MAX,
  RECORD_CLASSIFICATION_MAX,
  RECORD_CLASSIFICATION_MIN,
  RECORD_ID,
  RECORD_OPERATIONS,
  RECORD_POINTER_MAX,
  RECORD_POINTER_URI,
  RECORD_REASON_MAX,
  RECORD_STATUSES,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

const pattern = (regex: RegExp, expected: string) => str().regex(regex, { error: `must be ${expected}` });

const hex64 = pattern(HEX64, '64 lowercase hexadecimal characters (SM3)');
export const recordIdSchema = pattern(RECORD_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"');
const timestampSchema = pattern(ISO_TIMESTAMP, 'an ISO-8601 UTC time with milliseconds').refine(
  (value) => !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value,
  { error: 'must be a real calendar time' },
);
const pointerSchema = str()
  .max(RECORD_POINTER_MAX)
  .refine((value) => CID.test(value) || RECORD_POINTER_URI.test(value), {
    error: 'must be an IPFS CID or a URI (scheme:rest, printable ASCII, no spaces)',
  });
const reasonSchema = str().min(1).max(RECORD_REASON_MAX);

export const recordEntrySchema = z.strictObject({
  recordId: recordIdSchema,
  patientId: pattern(HEX64, 'an EMPI pseudonym of 64 lowercase hexadecimal characters'),
  encounterId: recordIdSchema,
  type: z.enum(HEALTH_RECORD_TYPES),
  recordedAt: timestampSchema,
  digest: hex64,
  classification: z.number().int().min(RECORD_CLASSIFICATION_MIN).max(RECORD_CLASSIFICATION_MAX),
  pointer: pointerSchema,
});

/** Any text without control characters (those refuse the request: they are no data-quality matter). */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NO_CONTROLS = /^[^\x00-\x1f\x7f]*$/;
const looseText = (max: number) => str().max(max).regex(NO_CONTROLS, { error: 'must not contain control characters' });
const loose = (max: number, about: string) => looseText(max).optional().describe(about);

/**
 * An entry as submitted: every field optional and loosely typed, so that an entry breaking a
 * data-quality rule is rejected into the error store (with the rule's id) instead of failing the
 * whole request. Wrong JSON types and unknown fields still refuse the request (400).
 */
export const submittedEntrySchema = z.strictObject({
  recordId: loose(256, "The record's id at its source"),
  patientId: loose(256, 'EMPI pseudonym, 64 lowercase hex'),
  encounterId: loose(256, 'The encounter the record belongs to'),
  type: loose(64, `One of ${HEALTH_RECORD_TYPES.join(', ')}`),
  recordedAt: loose(64, 'When the record was made, ISO-8601 UTC with milliseconds'),
  digest: loose(256, "SM3 of the record's off-chain copy, 64 lowercase hex"),
  classification: z
    .number({ error: 'must be a number' })
    .optional()
    .describe(`Classification level ${RECORD_CLASSIFICATION_MIN}..${RECORD_CLASSIFICATION_MAX}`),
  pointer: loose(512, 'IPFS CID or URI of the off-chain copy'),
  diagnosisCodes: z
    .array(looseText(32))
    .max(RECORD_DIAGNOSIS_CODES_MAX)
    .optional()
    .describe('ICD-10 codes of the diagnoses; checked, kept off chain'),
});
export type SubmittedEntryBody = z.output<typeof submittedEntrySchema>;

export const registerBatchBodySchema = z.strictObject({
  records: z.array(submittedEntrySchema).min(1).max(RECORD_BATCH_MAX),
});
export type RegisterBatchBody = z.output<typeof registerBatchBodySchema>;

export const violationSchema = z.object({
  rule: str().describe('Id of the data-quality rule (see the rule table in the README)'),
  field: str(),
  message: str(),
});

export const qualityErrorSchema = z.object({
  id: str(),
  org: str(),
  submittedBy: str(),
  submittedAt: str(),
  batchIndex: z.number().int(),
  entry: submittedEntrySchema,
  violations: z.array(violationSchema),
  status: z.enum(['OPEN', 'RESOLVED']),
  resolution: z.object({ at: str(), by: str(), recordId: str(), batchId: str() }).nullable(),
});
export type QualityErrorView = z.output<typeof qualityErrorSchema>;

export const errorListQuerySchema = z.strictObject({
  status: z.enum(['OPEN', 'RESOLVED']).optional().describe('Only errors in this status'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Errors per page (1..200)'),
  after: pattern(/^[0-9a-f]{24}$/, "the previous page's `next`").optional(),
});

export const errorListSchema = z.object({ items: z.array(qualityErrorSchema), next: str().nullable() });
export type ErrorListView = z.output<typeof errorListSchema>;

export const errorParamsSchema = z.strictObject({ errorId: pattern(/^[0-9a-f]{24}$/, 'an error id (24 hex)') });

export const resubmitBodySchema = z.strictObject({ record: submittedEntrySchema });

const day = z.iso.date({ error: 'must be a day YYYY-MM-DD' });
export const qualityQuerySchema = z.strictObject({
  from: day.describe('First day (China Standard Time)'),
  to: day.describe('Last day, inclusive; at most 366 days after from'),
});

export const qualityReportSchema = z.object({
  from: str(),
  to: str(),
  days: z.array(
    z.object({
      org: str(),
      day: str(),
      accepted: z.number().int(),
      rejected: z.number().int(),
      acceptedShare: z.number(),
    }),
  ),
  totals: z.array(
    z.object({ org: str(), accepted: z.number().int(), rejected: z.number().int(), acceptedShare: z.number() }),
  ),
});
export type QualityReportView = z.output<typeof qualityReportSchema>;

export const updateRecordBodySchema = z.strictObject({ digest: hex64, pointer: pointerSchema, reason: reasonSchema });
export type UpdateRecordBody = z.output<typeof updateRecordBodySchema>;

export const retractRecordBodySchema = z.strictObject({ reason: reasonSchema });
export type RetractRecordBody = z.output<typeof retractRecordBodySchema>;

/** Either the off-chain copy's bytes (base64) or their SM3 digest. */
export const verifyRecordBodySchema = z.union([
  z.strictObject({
    contentBase64: pattern(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64').min(1),
  }),
  z.strictObject({ digest: hex64 }),
]);
export type VerifyRecordBody = z.output<typeof verifyRecordBodySchema>;

export const recordParamsSchema = z.strictObject({ recordId: recordIdSchema });

export const batchResultSchema = z.object({
  batchId: str(),
  sourceOrg: str(),
  count: z.number().int(),
  root: hex64,
  txId: str(),
  timestamp: str(),
});
export type BatchResultView = z.output<typeof batchResultSchema>;

export const batchSchema = batchResultSchema.extend({ leaves: z.array(hex64) });
export type BatchView = z.output<typeof batchSchema>;

export const recordIndexSchema = recordEntrySchema.extend({
  sourceOrg: str(),
  batchId: str(),
  leafIndex: z.number().int().min(0),
  leaf: hex64,
  status: z.enum(RECORD_STATUSES),
  version: z.number().int().min(1),
  registeredAt: str(),
  lastOperation: z.object({
    operation: z.enum(RECORD_OPERATIONS),
    mspId: str(),
    txId: str(),
    timestamp: str(),
    reason: str(),
  }),
});
export type RecordIndexView = z.output<typeof recordIndexSchema>;

export const recordHistorySchema = z.array(
  z.object({ txId: str(), timestamp: str(), isDelete: z.boolean(), value: recordIndexSchema.nullable() }),
);
export type RecordHistoryView = z.output<typeof recordHistorySchema>;

export const merkleStepSchema = z.object({ side: z.enum(['left', 'right']), hash: hex64 });

export const recordProofSchema = z.object({
  record: recordIndexSchema,
  proof: z.object({
    leaf: hex64,
    leafIndex: z.number().int(),
    steps: z.array(merkleStepSchema),
    root: hex64,
    batchId: str(),
    batchCount: z.number().int(),
    txId: str(),
    anchoredAt: str(),
    verified: z.boolean(),
    statement: str(),
  }),
});
export type RecordProofView = z.output<typeof recordProofSchema>;

export const verifyResultSchema = z.object({
  result: z.enum(['authentic', 'tampered']),
  recordId: str(),
  status: z.enum(RECORD_STATUSES),
  version: z.number().int(),
  digest: hex64,
  onChainDigest: hex64,
});
export type VerifyResultView = z.output<typeof verifyResultSchema>;

export const batchOutcomeSchema = z.object({
  batch: batchResultSchema.nullable().describe('The batch registered on chain; null when no entry passed'),
  accepted: z.array(z.object({ index: z.number().int(), recordId: str() })),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      recordId: str().nullable(),
      errorId: str().describe('Id of the entry in the error store'),
      violations: z.array(violationSchema),
    }),
  ),
});
export type BatchOutcomeView = z.output<typeof batchOutcomeSchema>;

export const resubmitResultSchema = z.object({ error: qualityErrorSchema, batch: batchResultSchema });
export type ResubmitResultView = z.output<typeof resubmitResultSchema>;

export const recordsComponents = {
  RecordIndexEntry: recordEntrySchema,
  SubmittedRecordEntry: submittedEntrySchema,
  RecordQualityError: qualityErrorSchema,
  RecordIndex: recordIndexSchema,
  RecordProof: recordProofSchema,
};
