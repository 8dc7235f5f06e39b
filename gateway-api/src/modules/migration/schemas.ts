/**
 * Request and response schemas of the migration resource. A source item is what the issue API
 * takes in its `invoice` part, plus the original issue time, the printed check code when the
 * source has one, and the PDF in base64.
 */
import { EARLIEST_ISSUE_TIME, INVOICE_TYPES } from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';
import { invoiceDataSchema } from '../invoices/schemas';
import { ITEM_STATES, JOB_STATES } from './store';

/** Items per request; with small PDFs a full chunk stays far under the 1 MB body limit. */
export const MAX_ITEMS_PER_REQUEST = 200;
/** Base64 of a PDF: the request body limit (1 MB) bounds a chunk as a whole. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const jobParamsSchema = z.object({
  id: str()
    .regex(/^[0-9a-f-]{36}$/, { error: 'must be a job id' })
    .describe('Migration job id'),
});

export const createJobBodySchema = z.strictObject({
  sourceId: str()
    .regex(/^[A-Za-z0-9._:-]{8,128}$/, { error: 'must be 8-128 letters, digits, ".", "_", ":" or "-"' })
    .describe(
      "The client's stable name for its source, e.g. the SM3 or SHA-256 of the manifest: creating a job for a " +
        'source that already has one answers that job (200), so an interrupted import resumes',
    ),
  description: z.string().max(200).optional().describe('Free text shown with the job'),
});

export const issuedAtSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time (with Z or an offset)' })
  .superRefine((value, ctx) => {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) return; // the format check above names the problem
    const iso = time.toISOString();
    if (iso < EARLIEST_ISSUE_TIME)
      ctx.addIssue({ code: 'custom', message: `must not be before ${EARLIEST_ISSUE_TIME}` });
    if (iso > new Date().toISOString()) ctx.addIssue({ code: 'custom', message: 'must not be in the future' });
  })
  .describe('The original issue time printed on the historic invoice');

export const sourceItemSchema = z.strictObject({
  seq: z
    .number()
    .int({ error: 'must be an integer' })
    .min(1)
    .max(1_000_000_000)
    .describe('Position of the item in the source (e.g. its manifest line): re-sending an item is harmless'),
  invoice: invoiceDataSchema,
  issuedAt: issuedAtSchema,
  checkCode: str()
    .regex(/^[0-9A-Z]{6}$/, { error: 'must be 6 digits or uppercase letters' })
    .optional()
    .describe('The check code printed on the historic invoice; when absent, one is generated'),
  pdf: str().min(8).regex(BASE64, { error: 'must be base64' }).describe('The invoice PDF, base64'),
});
export type SourceItem = z.infer<typeof sourceItemSchema>;

export const addItemsBodySchema = z.strictObject({
  items: z.array(sourceItemSchema).min(1, { error: 'must list at least one item' }).max(MAX_ITEMS_PER_REQUEST),
});

const countsSchema = z.object({
  pending: z.number().int(),
  stored: z.number().int(),
  anchored: z.number().int(),
  recorded: z.number().int(),
  refused: z.number().int(),
  total: z.number().int(),
});

export const jobResponseSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  description: z.string(),
  unitName: z.string(),
  state: z.enum(JOB_STATES),
  sealed: z.boolean().describe('True once run was called: no more items are expected'),
  lastError: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: countsSchema.describe(
    'Items by state: pending (accepted), stored (documents encrypted into IPFS), anchored (on chain), ' +
      'recorded (invoice record saved; done), refused',
  ),
  done: z.boolean().describe('Sealed and every item recorded or refused'),
});
export type JobResponse = z.infer<typeof jobResponseSchema>;

export const itemResultSchema = z.object({
  seq: z.number().int(),
  code: z.string(),
  number: z.string(),
  state: z.enum(ITEM_STATES),
  reason: z.string().optional(),
});
export const addItemsResponseSchema = z.object({ results: z.array(itemResultSchema) });
export type ItemResult = z.infer<typeof itemResultSchema>;

const totalsSchema = z.object({ count: z.number().int(), amount: z.number().int().describe('fen') });
const rowSchema = z.object({ key: z.string(), source: totalsSchema, chain: totalsSchema });

export const MISMATCH_KINDS = [
  'refused',
  'duplicate',
  'missing_on_chain',
  'digest_differs',
  'amount_differs',
  'type_differs',
  'issued_at_differs',
  'issuer_differs',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export const mismatchSchema = z.object({
  seq: z.number().int(),
  code: z.string(),
  number: z.string(),
  kind: z.enum(MISMATCH_KINDS),
  detail: z.string(),
});

export const reportResponseSchema = z.object({
  jobId: z.string(),
  sourceId: z.string(),
  generatedAt: z.string(),
  complete: z.boolean().describe('No item is still pending, stored or anchored'),
  source: totalsSchema,
  chain: totalsSchema.describe("The source items' invoices as the ledger holds them"),
  byType: z.array(rowSchema.extend({ key: z.enum(INVOICE_TYPES) })),
  byUnit: z.array(rowSchema),
  byDay: z.array(rowSchema).describe('By day of issue, China Standard Time (YYYY-MM-DD)'),
  mismatches: z.array(mismatchSchema).describe('Every item whose chain side differs from its source side'),
});
export type MigrationReport = z.infer<typeof reportResponseSchema>;
export type Totals = z.infer<typeof totalsSchema>;
export type ReportRow = z.infer<typeof rowSchema>;
export type Mismatch = z.infer<typeof mismatchSchema>;

/** Named schemas of the OpenAPI document. */
export const migrationComponents = {
  MigrationSourceItem: sourceItemSchema,
  MigrationJob: jobResponseSchema,
  MigrationReport: reportResponseSchema,
};
