/** Request and response schemas of the notifications resource. */
import { NOTIFICATION_ID, NOTIFICATION_TYPES } from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

export const notificationListQuerySchema = z.object({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .describe('`true`: only the unread ones; `false` or absent: read and unread'),
});

export const notificationParamsSchema = z.object({
  notificationId: str().regex(NOTIFICATION_ID, { error: 'must be 24 lowercase hexadecimal characters' }),
});

export const notificationSchema = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  ref: z
    .object({ kind: z.string(), id: z.string() })
    .nullable()
    .describe('what it is about, e.g. {kind: "access-request", id}'),
  createdAt: z.string(),
  read: z.boolean(),
  readAt: z.string().nullable(),
});

export const notificationListResponseSchema = z.object({
  notifications: z.array(notificationSchema).describe('newest first, at most 100'),
  unread: z.number().int().describe('how many of my notifications are unread (all of them, not only those listed)'),
});

export const unreadCountResponseSchema = z.object({ unread: z.number().int() });

export const notificationComponents = { Notification: notificationSchema };
