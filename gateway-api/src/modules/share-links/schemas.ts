/** Request and response schemas of the share-link resource. */
import {
  ACCESS_FIELDS_MAX,
  ACCESS_ID,
  ALL_FIELDS,
  HEALTH_RECORD_TYPES,
  RECORD_FIELD,
  RECORD_ID,
  SHARE_LINK_MINUTES_MAX,
  SHARE_LINK_MINUTES_MIN,
  SHARE_LINK_STATUSES,
} from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

const pattern = (regex: RegExp, expected: string) => str().regex(regex, { error: `must be ${expected}` });
const linkIdSchema = pattern(ACCESS_ID, 'a lowercase UUID');

export const linkParamsSchema = z.strictObject({ linkId: linkIdSchema });

/** A field path (RECORD_FIELD) or ALL_FIELDS, as one pattern so that the OpenAPI document states it. */
const FIELD_OR_ALL = new RegExp(`^\\${ALL_FIELDS}$|${RECORD_FIELD.source}`);
const fieldSchema = pattern(
  FIELD_OR_ALL,
  `a field path such as diagnosis or labResults.value, attachment, or "${ALL_FIELDS}"`,
);

export const createShareLinkBodySchema = z.strictObject({
  recordId: pattern(RECORD_ID, 'an id of 1..64 letters, digits, ".", "_", ":" or "-"'),
  fields: z
    .array(fieldSchema)
    .min(1)
    .max(ACCESS_FIELDS_MAX)
    .refine((fields) => new Set(fields).size === fields.length, { error: 'must not repeat a field' })
    .refine((fields) => !fields.includes(ALL_FIELDS) || fields.length === 1, {
      error: `must be ["${ALL_FIELDS}"] alone to share every field and the attachment`,
    })
    .meta({
      uniqueItems: true,
      description: `Field paths to share (attachment: the watermarked PDF), or ["${ALL_FIELDS}"] alone for all`,
    }),
  expiresInMinutes: z
    .number({ error: `must be an integer ${SHARE_LINK_MINUTES_MIN}..${SHARE_LINK_MINUTES_MAX}` })
    .int({ error: `must be an integer ${SHARE_LINK_MINUTES_MIN}..${SHARE_LINK_MINUTES_MAX}` })
    .min(SHARE_LINK_MINUTES_MIN)
    .max(SHARE_LINK_MINUTES_MAX),
});
export type CreateShareLinkBody = z.output<typeof createShareLinkBodySchema>;

export const shareLinkSchema = z.object({
  linkId: linkIdSchema,
  recordId: str(),
  recordType: z.enum(HEALTH_RECORD_TYPES),
  fields: z.array(str()),
  createdAt: str(),
  expiresAt: str(),
  withdrawnAt: str().nullable(),
  status: z.enum(SHARE_LINK_STATUSES),
  opens: z.number().int().describe('How often the content was served; every open, served or refused, is an access'),
});
export type ShareLinkView = z.output<typeof shareLinkSchema>;

export const createdShareLinkSchema = shareLinkSchema.extend({
  url: str().describe('Relative to the server: /app/share.html#<linkId>.<key>; the key is in no other place'),
});
export type CreatedShareLinkView = z.output<typeof createdShareLinkSchema>;

export const shareLinkListSchema = z.object({ links: z.array(shareLinkSchema) });

export const shareLinkListQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be an integer 1..200' }).int().min(1).max(200).optional(),
});

export const shareContentSchema = z.object({
  linkId: linkIdSchema,
  expiresAt: str(),
  sealedBase64: str().describe(
    'Base64 of "HDT1" | iv (16) | SM4-CBC ciphertext (PKCS#7) | HMAC-SM3 tag (32) over all before it; ' +
      "the link's key: bytes 0..15 SM4, 16..31 HMAC-SM3. The plaintext is UTF-8 JSON " +
      '{recordId, recordType, fields, missingFields, attachment: null | {contentType, dataBase64}, sharedAt, expiresAt}',
  ),
});
export type ShareContentView = z.output<typeof shareContentSchema>;

export const shareLinkComponents = { ShareLink: shareLinkSchema, ShareContent: shareContentSchema };
