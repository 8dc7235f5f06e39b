/**
 * Schemas of the resident's policy preferences (the narrowing of the general access policies).
 * Like the other signed payloads they check and never transform, so the canonical encoding the
 * resident signed reaches the chaincode unchanged; the chaincode checks the same rules again.
 */
import {
  ALL_FIELDS,
  BREAK_GLASS_FLOOR_FIELDS,
  BREAK_GLASS_FLOOR_TYPES,
  HEALTH_RECORD_TYPES,
  ISO_TIMESTAMP,
  MspId,
  ORGS,
  POLICY_FIELDS_MAX,
  RECORD_FIELD,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

const HOSPITALS = ORGS.filter((org) => org.kind === 'hospital').map((org) => org.mspId);
const ISO_TIME = str()
  .regex(ISO_TIMESTAMP, { error: 'must be an ISO-8601 UTC time with milliseconds' })
  .refine((value) => !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value, {
    error: 'must be a real calendar time',
  });

function distinct(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}
const DISTINCT = { error: 'must not repeat an entry' };

function keepsFloor(floor: readonly string[]) {
  return (values: readonly string[]) => values.includes(ALL_FIELDS) || floor.every((v) => values.includes(v));
}

const sourceOrgSchema = z
  .strictObject({
    excludedRecordTypes: z.array(z.enum(HEALTH_RECORD_TYPES)).refine(distinct, DISTINCT),
    excludedOrgs: z
      .array(z.enum(MspId).refine((id) => HOSPITALS.includes(id), { error: 'must name a hospital' }))
      .refine(distinct, DISTINCT),
    notAfter: ISO_TIME.nullable(),
  })
  .describe('SOURCE_ORG: the hospital that created a record reads it without a grant, unless excluded here');

const fieldSchema = z.union([z.literal(ALL_FIELDS), str().regex(RECORD_FIELD, { error: 'must be a field path' })]);

const breakGlassSchema = z
  .strictObject({
    recordTypes: z
      .array(z.enum(HEALTH_RECORD_TYPES))
      .refine(distinct, DISTINCT)
      .refine(keepsFloor(BREAK_GLASS_FLOOR_TYPES), {
        error: `must keep what emergencies always read: ${BREAK_GLASS_FLOOR_TYPES.join(', ')}`,
      }),
    fields: z
      .array(fieldSchema)
      .min(1)
      .max(POLICY_FIELDS_MAX)
      .refine(distinct, DISTINCT)
      .refine((fields) => !fields.includes(ALL_FIELDS) || fields.length === 1, { error: 'must be ["*"] or fields' })
      .refine(keepsFloor(BREAK_GLASS_FLOOR_FIELDS), {
        error: `must keep what emergencies always read: ${BREAK_GLASS_FLOOR_FIELDS.join(', ')}`,
      }),
  })
  .describe('BREAK_GLASS: what the emergency department reads without a grant; never below the floor');

export const policyPreferencesSchema = z.strictObject({ sourceOrg: sourceOrgSchema, breakGlass: breakGlassSchema });

const operationSchema = z.object({
  mspId: z.string(),
  timestamp: z.string(),
  txId: z.string(),
  keyVersion: z.number().int(),
  nonce: z.string(),
  signedAt: z.string(),
  signature: z.string(),
});

/** As stored, or the defaults at version 0 before the resident signed any. */
export const residentPoliciesSchema = z.object({
  residentId: z.string(),
  preferences: z.object({
    sourceOrg: z.object({
      excludedRecordTypes: z.array(z.enum(HEALTH_RECORD_TYPES)),
      excludedOrgs: z.array(z.string()),
      notAfter: z.string().nullable(),
    }),
    breakGlass: z.object({ recordTypes: z.array(z.enum(HEALTH_RECORD_TYPES)), fields: z.array(z.string()) }),
  }),
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  lastOperation: operationSchema.nullable(),
});
export type ResidentPoliciesView = z.output<typeof residentPoliciesSchema>;

export const policiesResponseSchema = z.object({ preferences: residentPoliciesSchema, txId: z.string() });
