/** Request and response schemas of access requests and referrals. */
import {
  ACCESS_REQUEST_ID,
  ACCESS_REQUEST_LIMITS,
  ACCESS_REQUEST_STATUSES,
  CONSENT_LIMITS,
  CONSENT_PURPOSES,
  REFERRAL_ID,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';
import {
  consentGrantSchema,
  grantBodySchema,
  grantTermsSchema,
  residentIdSchema,
  scopeSchema,
  scopeViewSchema,
  timestampSchema,
} from '../consent/schemas';

const ID_TEXT = '1..64 letters, digits, ".", "_", ":" or "-"';
const referralIdSchema = str().regex(REFERRAL_ID, { error: `must be an id of ${ID_TEXT}` });

export const createRequestBodySchema = z
  .strictObject({
    residentId: residentIdSchema.describe("the resident's pseudonymous id"),
    purpose: z.enum(CONSENT_PURPOSES),
    scope: scopeSchema.describe('record types, specific record ids (none: every record of those types), fields'),
    notBefore: timestampSchema.describe('the validity wanted: from'),
    notAfter: timestampSchema.describe('the validity wanted: until; must be in the future'),
    useLimit: z.number().int().min(1).max(CONSENT_LIMITS.useLimit).nullable().optional(),
    referralId: referralIdSchema.nullable().optional().describe('required for the purpose REFERRAL'),
    message: z.string().max(ACCESS_REQUEST_LIMITS.message).optional().describe('to the resident'),
    answerWithinSeconds: z
      .number()
      .int()
      .min(ACCESS_REQUEST_LIMITS.minAnswerSeconds)
      .max(ACCESS_REQUEST_LIMITS.maxAnswerSeconds)
      .optional()
      .describe('how long the resident has to answer (default one day); then the request is EXPIRED'),
  })
  .refine((body) => body.notAfter > body.notBefore, { error: 'must be after notBefore', path: ['notAfter'] })
  .refine((body) => body.purpose !== 'REFERRAL' || (body.referralId ?? null) !== null, {
    error: 'is required for the purpose REFERRAL',
    path: ['referralId'],
  });
export type CreateRequestBody = z.output<typeof createRequestBodySchema>;

export const requestParamsSchema = z.object({
  requestId: str().regex(ACCESS_REQUEST_ID, { error: 'must be "req-" and 24 lowercase hexadecimal characters' }),
});

export const requestListQuerySchema = z.object({
  status: z.enum(ACCESS_REQUEST_STATUSES).optional().describe('only requests in this status now'),
});

export const approveBodySchema = grantBodySchema;
export const denyBodySchema = z.strictObject({
  reason: str().min(1, { error: 'must not be empty' }).max(ACCESS_REQUEST_LIMITS.reason),
});

export const accessRequestSchema = z.object({
  requestId: z.string(),
  residentId: z.string(),
  doctor: z.object({
    username: z.string(),
    mspId: z.string(),
    displayName: z.string(),
    department: z.string().nullable(),
  }),
  purpose: z.enum(CONSENT_PURPOSES),
  scope: scopeViewSchema,
  notBefore: z.string(),
  notAfter: z.string(),
  useLimit: z.number().int().nullable(),
  referralId: z.string().nullable(),
  message: z.string(),
  status: z.enum(ACCESS_REQUEST_STATUSES).describe('now: a PENDING request past answerBy reads EXPIRED'),
  createdAt: z.string(),
  answerBy: z.string(),
  decidedAt: z.string().nullable(),
  grantId: z.string().nullable().describe('the grant that approved it'),
  txId: z.string().nullable().describe("the grant's transaction"),
  reason: z.string().nullable().describe('why it was denied'),
  grant: grantTermsSchema.describe('the grant terms that approve it: sign exactly these (op consent.grant)'),
});

export const requestListResponseSchema = z.object({ requests: z.array(accessRequestSchema) });
export const approveResponseSchema = z.object({
  request: accessRequestSchema,
  grant: consentGrantSchema,
  txId: z.string(),
});

export const closeReferralParamsSchema = z.object({ referralId: referralIdSchema });
export const closeReferralBodySchema = z.strictObject({ residentId: residentIdSchema });
export const closeReferralResponseSchema = z.object({
  referralId: z.string(),
  residentId: z.string(),
  ended: z.array(consentGrantSchema).describe("the resident's grants for this referral that ended now"),
  txId: z.string(),
});

export const requestComponents = { AccessRequest: accessRequestSchema, NewAccessRequest: createRequestBodySchema };
