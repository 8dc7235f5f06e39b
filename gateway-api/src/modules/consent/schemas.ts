/**
 * Request and response schemas of the consent resource. A signed payload is forwarded to the
 * chaincode exactly as parsed here: the schemas check and never transform (no trimming, no
 * defaults), so the canonical encoding the resident signed is the one the chaincode verifies.
 */
import {
  ACTOR,
  ALL_FIELDS,
  CONSENT_LIMITS,
  CONSENT_PURPOSES,
  GRANT_ID,
  GRANT_STATUSES,
  CONSENT_OPERATIONS,
  HEALTH_RECORD_TYPES,
  ISO_TIMESTAMP,
  MspId,
  NONCE,
  REASON_MAX,
  RECORD_FIELD,
  RECORD_ID,
  REFERRAL_ID,
  RESIDENT_ID,
  RESIDENT_KEY_OPERATIONS,
  SIGNED_OPERATIONS,
  SIGNING_VERSION,
  SM2_PUBLIC_KEY,
  SM2_SIGNATURE,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';
import { text } from '../invoices/schemas';
import { policyPreferencesSchema, residentPoliciesSchema } from './policy-schemas';

const ID_TEXT = '1..64 letters, digits, ".", "_", ":" or "-"';

const pattern = (regex: RegExp, expected: string) => str().regex(regex, { error: `must be ${expected}` });

export const residentIdSchema = pattern(RESIDENT_ID, '64 lowercase hexadecimal characters');
export const grantIdSchema = pattern(GRANT_ID, `an id of ${ID_TEXT}`);
const nonceSchema = pattern(NONCE, '32 lowercase hexadecimal characters');
const publicKeySchema = pattern(SM2_PUBLIC_KEY, "an uncompressed SM2 public key: '04' || X || Y, 130 lowercase hex");
const signatureSchema = pattern(SM2_SIGNATURE, 'a DER-encoded SM2 signature in lowercase hexadecimal');
export const timestampSchema = pattern(ISO_TIMESTAMP, 'an ISO-8601 UTC time with milliseconds').refine(
  (value) => !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value,
  { error: 'must be a real calendar time' },
);
const versionSchema = z
  .number({ error: 'must be a positive integer' })
  .int({ error: 'must be a positive integer' })
  .min(1, { error: 'must be a positive integer' })
  .max(Number.MAX_SAFE_INTEGER);

export const scopeSchema = z.strictObject({
  recordTypes: z.array(z.enum(HEALTH_RECORD_TYPES)).min(1).max(HEALTH_RECORD_TYPES.length),
  recordIds: z.array(pattern(RECORD_ID, `a record id of ${ID_TEXT}`)).max(CONSENT_LIMITS.recordIds),
  fields: z
    .array(z.union([z.literal(ALL_FIELDS), pattern(RECORD_FIELD, 'a field path such as "diagnosis"')]))
    .min(1)
    .max(CONSENT_LIMITS.fields),
});

const useLimitSchema = z.number().int().min(1).max(CONSENT_LIMITS.useLimit).nullable();

const termsShape = {
  scope: scopeSchema,
  notBefore: timestampSchema,
  notAfter: timestampSchema,
  useLimit: useLimitSchema,
};

function windowInOrder(terms: { notBefore: string; notAfter: string }): boolean {
  return terms.notAfter > terms.notBefore;
}
const WINDOW_ERROR = { error: 'must be after notBefore', path: ['notAfter'] };

export const termsSchema = z.strictObject(termsShape).refine(windowInOrder, WINDOW_ERROR);

const granteeSchema = z.strictObject({
  mspId: z.enum(MspId),
  doctorId: pattern(ACTOR, 'a user id').nullable(),
});

export const grantTermsSchema = z
  .strictObject({
    grantId: grantIdSchema,
    grantee: granteeSchema,
    purpose: z.enum(CONSENT_PURPOSES),
    referralId: pattern(REFERRAL_ID, `an id of ${ID_TEXT}`).nullable(),
    ...termsShape,
  })
  .refine(windowInOrder, WINDOW_ERROR)
  .refine((terms) => terms.purpose !== 'REFERRAL' || terms.referralId !== null, {
    error: 'is required for the purpose REFERRAL',
    path: ['referralId'],
  });

function header<Op extends string>(op: Op) {
  return {
    op: z.literal(op),
    v: z.literal(SIGNING_VERSION),
    residentId: residentIdSchema,
    nonce: nonceSchema,
    signedAt: timestampSchema,
  };
}

export const registerPayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.REGISTER),
  publicKey: publicKeySchema,
});
export const rotatePayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.ROTATE),
  keyVersion: versionSchema,
  newPublicKey: publicKeySchema,
});
export const recoverPayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.RECOVER),
  keyVersion: versionSchema.describe('the version of the lost key this one replaces'),
  newPublicKey: publicKeySchema,
});
export const grantPayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.GRANT),
  keyVersion: versionSchema,
  grant: grantTermsSchema,
});
export const changePayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.CHANGE),
  keyVersion: versionSchema,
  grantId: grantIdSchema,
  version: versionSchema,
  terms: termsSchema,
});
export const revokePayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.REVOKE),
  keyVersion: versionSchema,
  grantId: grantIdSchema,
  version: versionSchema,
});

/** `version`: the current version of the resident's preferences, 0 before the first. */
export const policiesPayloadSchema = z.strictObject({
  ...header(SIGNED_OPERATIONS.POLICIES),
  keyVersion: versionSchema,
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  preferences: policyPreferencesSchema,
});

export const registerKeyBodySchema = z.strictObject({ payload: registerPayloadSchema, signature: signatureSchema });
export const rotateKeyBodySchema = z.strictObject({
  payload: rotatePayloadSchema,
  signature: signatureSchema.describe('by the current key'),
  newKeySignature: signatureSchema.describe('by the new key, over the same bytes'),
});
export const recoverKeyBodySchema = z.strictObject({
  payload: recoverPayloadSchema.describe("the resident's recovery payload, naming the resident id and the new key"),
  signature: signatureSchema.describe('by the new key (proof of possession)'),
  reason: text(REASON_MAX).describe(
    "why the key is replaced, and how the resident's identity was checked (recorded on chain)",
  ),
});
export const grantBodySchema = z.strictObject({ payload: grantPayloadSchema, signature: signatureSchema });
export const changeBodySchema = z.strictObject({ payload: changePayloadSchema, signature: signatureSchema });
export const revokeBodySchema = z.strictObject({ payload: revokePayloadSchema, signature: signatureSchema });
export const policiesBodySchema = z.strictObject({ payload: policiesPayloadSchema, signature: signatureSchema });

export type RegisterKeyBody = z.output<typeof registerKeyBodySchema>;
export type RotateKeyBody = z.output<typeof rotateKeyBodySchema>;
export type RecoverKeyBody = z.output<typeof recoverKeyBodySchema>;
export type GrantBody = z.output<typeof grantBodySchema>;
export type ChangeBody = z.output<typeof changeBodySchema>;
export type RevokeBody = z.output<typeof revokeBodySchema>;
export type PoliciesBody = z.output<typeof policiesBodySchema>;
export type SignedPayload =
  | z.output<typeof registerPayloadSchema>
  | z.output<typeof rotatePayloadSchema>
  | z.output<typeof recoverPayloadSchema>
  | z.output<typeof grantPayloadSchema>
  | z.output<typeof changePayloadSchema>
  | z.output<typeof revokePayloadSchema>
  | z.output<typeof policiesPayloadSchema>;

/** What the resident wants signed; the gateway adds the header, the key version and the grant version. */
const nonceOption = { nonce: nonceSchema.optional().describe('chosen by the device; a random one when absent') };
export const signingRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal(SIGNED_OPERATIONS.REGISTER), publicKey: publicKeySchema, ...nonceOption }),
  z.strictObject({ op: z.literal(SIGNED_OPERATIONS.ROTATE), newPublicKey: publicKeySchema, ...nonceOption }),
  z.strictObject({ op: z.literal(SIGNED_OPERATIONS.RECOVER), newPublicKey: publicKeySchema, ...nonceOption }),
  z.strictObject({ op: z.literal(SIGNED_OPERATIONS.GRANT), grant: grantTermsSchema, ...nonceOption }),
  z.strictObject({
    op: z.literal(SIGNED_OPERATIONS.CHANGE),
    grantId: grantIdSchema,
    terms: termsSchema,
    ...nonceOption,
  }),
  z.strictObject({ op: z.literal(SIGNED_OPERATIONS.REVOKE), grantId: grantIdSchema, ...nonceOption }),
  z.strictObject({
    op: z.literal(SIGNED_OPERATIONS.POLICIES),
    preferences: policyPreferencesSchema,
    ...nonceOption,
  }),
]);
export type SigningRequest = z.output<typeof signingRequestSchema>;

export const signingPayloadResponseSchema = z.object({
  payload: z.record(z.string(), z.unknown()).describe('send back unchanged as `payload` with the signature'),
  message: z.string().describe('the canonical JSON of payload: its UTF-8 encoding is exactly the bytes to sign'),
  messageHex: z.string().describe('the same bytes in lowercase hexadecimal'),
  signBefore: z.string().describe('the latest time the signed operation is accepted (signedAt + the signing window)'),
});

const keyOperationSchema = z.object({
  operation: z.enum(RESIDENT_KEY_OPERATIONS),
  mspId: z.string(),
  actor: z.string(),
  timestamp: z.string(),
  txId: z.string(),
  nonce: z.string(),
  reason: z.string(),
});

export const residentKeySchema = z.object({
  residentId: z.string(),
  publicKey: z.string(),
  keyVersion: z.number().int(),
  registeredAt: z.string(),
  updatedAt: z.string(),
  lastOperation: keyOperationSchema,
});
export type ResidentKeyView = z.output<typeof residentKeySchema>;

const grantOperationSchema = z.object({
  operation: z.enum(CONSENT_OPERATIONS),
  mspId: z.string(),
  actor: z.string(),
  timestamp: z.string(),
  txId: z.string(),
  keyVersion: z.number().int(),
  nonce: z.string(),
  signedAt: z.string(),
  signature: z.string(),
});

/** A scope as the gateway answers it (and as it is stored): the record types, record ids and fields. */
export const scopeViewSchema = z.object({
  recordTypes: z.array(z.enum(HEALTH_RECORD_TYPES)),
  recordIds: z.array(z.string()),
  fields: z.array(z.string()),
});

export const consentGrantSchema = z.object({
  residentId: z.string(),
  grantId: z.string(),
  grantee: z.object({ mspId: z.string(), doctorId: z.string().nullable() }),
  purpose: z.enum(CONSENT_PURPOSES),
  referralId: z.string().nullable(),
  scope: scopeViewSchema,
  notBefore: z.string(),
  notAfter: z.string(),
  useLimit: z.number().int().nullable(),
  uses: z.number().int(),
  status: z.enum(GRANT_STATUSES),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastOperation: grantOperationSchema,
});
export type ConsentGrantView = z.output<typeof consentGrantSchema>;

export const keyStatusResponseSchema = z.object({
  registered: z.boolean(),
  key: residentKeySchema.optional().describe('the current key, when one is registered'),
});
export const keyResponseSchema = z.object({ key: residentKeySchema, txId: z.string() });
export const grantResponseSchema = z.object({ grant: consentGrantSchema, txId: z.string() });
export const grantListResponseSchema = z.object({ grants: z.array(consentGrantSchema) });
export const grantParamsSchema = z.object({ grantId: grantIdSchema });

/** The consent resource's named schemas in the OpenAPI document. */
export const consentComponents = {
  ResidentKey: residentKeySchema,
  ConsentGrant: consentGrantSchema,
  GrantTerms: grantTermsSchema,
  ConsentTerms: termsSchema,
  SigningRequest: signingRequestSchema,
  SigningPayload: signingPayloadResponseSchema,
  PolicyPreferences: policyPreferencesSchema,
  ResidentPolicyPreferences: residentPoliciesSchema,
};
