/** Request and response schemas of the EMPI (master patient index). */
import { HEX64, MSP_IDS, RECORD_ID, TEXT_PATTERN, textProblem, textRuleDescription } from '@hdt/vocabulary';
import { z } from 'zod';
import { str, typeError } from '../../schema-text';
import { EMPI_ACTIONS } from './audit';
import { ID_NUMBER, SEXES, idNumberChecks } from './matching';

const pattern = (regex: RegExp, expected: string) => str().regex(regex, { error: `must be ${expected}` });
const hex64 = (what: string) => pattern(HEX64, `${what}: 64 lowercase hexadecimal characters`);

const text = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .superRefine((value, ctx) => {
      const problem = textProblem(value, 1, max);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ minLength: 1, maxLength: max, pattern: TEXT_PATTERN, description: textRuleDescription(1, max) });

const orgSchema = z.enum(MSP_IDS as [string, ...string[]]);
export const residentIdSchema = hex64('a resident id');
const patientIdSchema = hex64('the patient pseudonym of the record indices');

export const linkBodySchema = z
  .strictObject({
    patientId: patientIdSchema.describe("The pseudonym the hospital's record indices carry for this patient"),
    localPatientId: pattern(RECORD_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"').describe(
      "The hospital's own patient id",
    ),
    idNumber: pattern(ID_NUMBER, 'a resident ID number of 17 digits and a check digit or X')
      .refine(idNumberChecks, { error: 'has a wrong check character' })
      .optional()
      .describe('Resident ID number; only its HMAC-SM3 under the EMPI key is kept'),
    name: text(64).optional().describe('With birthDate and sex: only their HMAC-SM3 is kept, for review candidates'),
    birthDate: z.iso.date({ error: 'must be a day YYYY-MM-DD' }).optional(),
    sex: z.enum(SEXES).optional(),
  })
  .refine(
    (b) =>
      [b.name, b.birthDate, b.sex].every((v) => v === undefined) ||
      [b.name, b.birthDate, b.sex].every((v) => v !== undefined),
    {
      error: 'name, birthDate and sex: give all three or none',
      path: ['name'],
    },
  );
export type LinkBody = z.output<typeof linkBodySchema>;

export const linkViewSchema = z.object({
  org: str(),
  patientId: str(),
  localPatientId: str(),
  residentId: str(),
  method: z.enum(['ID_NUMBER', 'NEW_RESIDENT', 'SPLIT']),
  identifiedByIdNumber: z.boolean(),
  birthDate: str().nullable(),
  sex: z.enum(SEXES).nullable(),
  linkedAt: str(),
  linkedBy: str(),
});
export type LinkView = z.output<typeof linkViewSchema>;

export const linkResultSchema = z.object({
  link: linkViewSchema,
  /** The resident the link now leads to (after merges). */
  residentId: str(),
  created: z.boolean(),
  candidates: z.array(str()).describe('Other active residents with equal name, birth date and sex: for manual review'),
});
export type LinkResultView = z.output<typeof linkResultSchema>;

export const linkParamsSchema = z.strictObject({ org: orgSchema, patientId: patientIdSchema });
export const residentParamsSchema = z.strictObject({ residentId: residentIdSchema });

const recordSchema = z.object({
  recordId: str(),
  type: str(),
  recordedAt: str(),
  batchId: str(),
  diagnosisCodes: z.array(str()),
});

export const residentViewSchema = z.object({
  residentId: str(),
  status: z.enum(['ACTIVE', 'MERGED']),
  mergedInto: str().nullable(),
  identifiedByIdNumber: z.boolean(),
  links: z.array(linkViewSchema),
  candidates: z.array(str()),
  encounters: z.array(
    z.object({
      org: str(),
      patientId: str(),
      encounterId: str(),
      firstRecordedAt: str(),
      records: z.array(recordSchema),
    }),
  ),
});
export type ResidentView = z.output<typeof residentViewSchema>;

const reasonSchema = text(256);

export const mergeBodySchema = z.strictObject({
  sourceResidentId: residentIdSchema.describe('The resident merged away'),
  targetResidentId: residentIdSchema.describe('The resident that keeps every link'),
  reason: reasonSchema,
});
export type MergeBody = z.output<typeof mergeBodySchema>;

export const splitBodySchema = z.strictObject({
  residentId: residentIdSchema,
  links: z
    .array(z.strictObject({ org: orgSchema, patientId: patientIdSchema }))
    .min(1)
    .max(100)
    .describe('The links moved to a new resident; at least one must stay'),
  reason: reasonSchema,
});
export type SplitBody = z.output<typeof splitBodySchema>;

const snapshotSchema = z.object({
  residents: z.array(
    z.object({
      residentId: str(),
      status: str(),
      mergedInto: str().nullable(),
      links: z.array(z.object({ org: str(), patientId: str(), localPatientId: str() })),
    }),
  ),
});
export type Snapshot = z.output<typeof snapshotSchema>;

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: str(),
  actor: str(),
  actorOrg: str(),
  action: z.enum(EMPI_ACTIONS),
  reason: str(),
  residentIds: z.array(str()),
  before: snapshotSchema,
  after: snapshotSchema,
  prevHash: str(),
  hash: str().describe('SM3(prevHash || canonical JSON of seq and the content)'),
});

export const mergeResultSchema = z.object({ resident: residentViewSchema, audit: auditEntrySchema });
export const splitResultSchema = z.object({
  resident: residentViewSchema.describe('The new resident holding the moved links'),
  from: residentViewSchema,
  audit: auditEntrySchema,
});

export const auditQuerySchema = z.strictObject({
  residentId: residentIdSchema.optional().describe('Only entries touching this resident'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe("The previous page's `next`"),
});

export const auditListSchema = z.object({ entries: z.array(auditEntrySchema), next: z.number().int().nullable() });

export const auditAnchorSchema = z.object({
  seq: z.number().int().min(1),
  hash: z.string().describe("The anchored entry's chained SM3 hash"),
  mspId: z.string(),
  txId: z.string(),
  timestamp: z.string(),
});

export const auditVerificationSchema = z.object({
  entries: z.number().int().min(0).describe('Entries in the trail'),
  lastSeq: z.number().int().min(0),
  firstBroken: z
    .number()
    .int()
    .nullable()
    .describe('The first entry that does not follow from the one before (changed, removed or inserted); null if none'),
  anchoredHead: auditAnchorSchema.nullable().describe('The newest entry anchored on chain; null before the first'),
  headMatches: z
    .boolean()
    .nullable()
    .describe("Whether the trail's entry at the anchored seq has the anchored hash; null when nothing is anchored"),
  unanchored: z
    .number()
    .int()
    .min(0)
    .describe('Entries after the anchored head (anchored with the next merge or split)'),
  intact: z.boolean().describe('Chain unbroken, the anchored head present with its hash, nothing cut from the end'),
});

export type AuditVerificationView = z.infer<typeof auditVerificationSchema>;

export const empiComponents = { EmpiResident: residentViewSchema, EmpiAuditEntry: auditEntrySchema };
