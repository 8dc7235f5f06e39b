/**
 * Request and response schemas of the access resource: a record's content stored off chain, a
 * doctor's read of it, the access log with its anchors and proofs, break-glass review.
 */
import {
  ACCESS_BASES,
  ACCESS_FIELDS_MAX,
  ACCESS_LOG_BASES,
  ACCESS_LOG_PURPOSES,
  ACCESS_LOG_REASONS,
  BREAK_GLASS_REASON_MAX,
  BREAK_GLASS_REASON_MIN,
  CONSENT_PURPOSES,
  GRANT_ID,
  HEALTH_RECORD_TYPES,
  HEX64,
  RECORD_ATTACHMENT_TYPES,
  RECORD_FIELD,
  RECORD_ID,
  textProblem,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

const pattern = (regex: RegExp, expected: string) => str().regex(regex, { error: `must be ${expected}` });
const hex64 = pattern(HEX64, '64 lowercase hexadecimal characters (SM3)');
const recordIdSchema = pattern(RECORD_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"');
const uuidSchema = pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lowercase UUID');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Largest attachment accepted, in base64 characters (the JSON body limit is 1 MB). */
export const ATTACHMENT_BASE64_MAX = 700_000;

/** Any JSON value (a request body is JSON, so every value is one). */
const jsonValue = z.unknown().describe('any JSON value');

export const recordParamsSchema = z.strictObject({ recordId: recordIdSchema });
export const accessIdParamsSchema = z.strictObject({ accessId: uuidSchema });

export const storeContentBodySchema = z.strictObject({
  fields: z
    .record(str(), jsonValue)
    .describe('The named fields: any JSON values; a reader asks for a name or a dotted path into it'),
  attachment: z
    .strictObject({
      contentType: z.enum(RECORD_ATTACHMENT_TYPES),
      dataBase64: pattern(BASE64, 'base64').min(4).max(ATTACHMENT_BASE64_MAX),
    })
    .optional(),
});
export type StoreContentBody = z.output<typeof storeContentBodySchema>;

export const storedContentSchema = z.object({
  recordId: str(),
  digest: hex64,
  pointer: str().describe('Names the stored copy: ipfs:<CID of the SM4-sealed content>'),
  size: z.number().int(),
  attachment: z.object({ contentType: str(), sm3: hex64, size: z.number().int() }).nullable(),
});
export type StoredContentView = z.output<typeof storedContentSchema>;

const reasonText = str().refine(
  (text) => textProblem(text, BREAK_GLASS_REASON_MIN, BREAK_GLASS_REASON_MAX) === undefined,
  {
    error: `must be ${BREAK_GLASS_REASON_MIN}..${BREAK_GLASS_REASON_MAX} characters of plain text without surrounding spaces`,
  },
);

export const readRecordBodySchema = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  fields: z
    .array(pattern(RECORD_FIELD, 'a field path such as diagnosis or labResults.value'))
    .min(1)
    .max(ACCESS_FIELDS_MAX)
    .refine((fields) => new Set(fields).size === fields.length, { error: 'must not repeat a field' }),
  grantId: pattern(GRANT_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"').optional(),
  breakGlassReason: reasonText.optional(),
});
export type ReadRecordBody = z.output<typeof readRecordBodySchema>;

export const accessEntrySchema = z.object({
  accessId: uuidSchema,
  at: str(),
  username: str(),
  displayName: str(),
  mspId: str(),
  institution: str(),
  role: str(),
  department: str().nullable(),
  residentId: hex64.nullable().describe('null when the record id names no indexed record'),
  recordId: str(),
  recordType: z.enum(HEALTH_RECORD_TYPES).nullable().describe('null when the record id names no indexed record'),
  purpose: z.enum(ACCESS_LOG_PURPOSES),
  requestedFields: z.array(str()),
  fields: z.array(str()),
  withheldFields: z.array(str()),
  outcome: z.enum(['ALLOWED', 'REFUSED']),
  reason: z.enum(ACCESS_LOG_REASONS).nullable(),
  basis: z.enum(ACCESS_LOG_BASES),
  grantId: str().nullable(),
  breakGlass: z.boolean(),
  breakGlassReason: str().nullable(),
  decisionTxId: str()
    .nullable()
    .describe(
      'The access:Decide transaction; null when no transaction decided it (a ruling by access:Check, a share link): the anchor puts it on chain',
    ),
});
export type AccessEntry = z.output<typeof accessEntrySchema>;

export const anchorRefSchema = z.object({
  anchorId: str(),
  leafIndex: z.number().int(),
  root: hex64,
  txId: str(),
  anchoredAt: str(),
});
export type AnchorRef = z.output<typeof anchorRefSchema>;

export const accessRecordSchema = accessEntrySchema.extend({ anchor: anchorRefSchema.nullable() });
export type AccessRecordView = z.output<typeof accessRecordSchema>;

export const accessListSchema = z.object({ accesses: z.array(accessRecordSchema) });
export const listQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be an integer 1..200' }).int().min(1).max(200).optional(),
});

export const readResultSchema = z.object({
  accessId: uuidSchema,
  outcome: z.literal('ALLOWED'),
  recordId: str(),
  recordType: z.enum(HEALTH_RECORD_TYPES),
  residentId: hex64,
  purpose: z.enum(CONSENT_PURPOSES),
  basis: z.enum(ACCESS_BASES),
  grantId: str().nullable(),
  breakGlass: z.boolean(),
  fields: z.record(str(), jsonValue),
  withheldFields: z.array(str()),
  missingFields: z.array(str()).describe('Granted, but the record has no such field'),
  watermark: str(),
  attachment: z.object({ contentType: z.literal('application/pdf'), dataBase64: str() }).nullable(),
  decisionTxId: str().nullable(),
  decidedAt: str(),
});
export type ReadResultView = z.output<typeof readResultSchema>;

const stepSchema = z.object({ side: z.enum(['left', 'right']), hash: hex64 });

export const proofSchema = z.object({
  record: accessRecordSchema
    .nullable()
    .describe('null when the stored entry no longer has the shape of an access record'),
  leaf: hex64.describe("SM3(0x00 || UTF-8 canonical JSON of the access record's entry, as kept off chain now)"),
  result: z.enum(['intact', 'edited', 'unanchored']),
  proof: z
    .object({
      anchorId: str(),
      leafIndex: z.number().int(),
      onChainLeaf: hex64,
      steps: z.array(stepSchema),
      root: hex64,
      txId: str(),
      anchoredAt: str(),
    })
    .nullable(),
});
export type ProofView = z.output<typeof proofSchema>;

export const verifyLogSchema = z.object({
  intact: z.boolean(),
  anchors: z.number().int(),
  records: z.number().int(),
  problems: z.array(z.object({ accessId: str(), anchorId: str(), problem: z.enum(['EDITED', 'MISSING']) })),
  unanchoredPastBound: z.number().int(),
});
export type VerifyLogView = z.output<typeof verifyLogSchema>;

export const accessComponents = {
  AccessRecord: accessRecordSchema,
  AccessReadResult: readResultSchema,
  AccessProof: proofSchema,
};
