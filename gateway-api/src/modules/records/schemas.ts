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
  RECORD_CLASSIFICATION_MAX,
  RECORD_CLASSIFICATION_MIN,
  RECORD_ID,
  RECORD_OPERATIONS,
  RECORD_POINTER_URI,
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
  .max(256)
  .refine((value) => CID.test(value) || RECORD_POINTER_URI.test(value), {
    error: 'must be an IPFS CID or a URI (scheme:rest, printable ASCII, no spaces)',
  });
const reasonSchema = str().min(1).max(256);

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

export const registerBatchBodySchema = z.strictObject({
  records: z.array(recordEntrySchema).min(1).max(RECORD_BATCH_MAX),
});
export type RegisterBatchBody = z.output<typeof registerBatchBodySchema>;

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

export const recordsComponents = {
  RecordIndexEntry: recordEntrySchema,
  RecordIndex: recordIndexSchema,
  RecordProof: recordProofSchema,
};
