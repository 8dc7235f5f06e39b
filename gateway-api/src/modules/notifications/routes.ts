import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import {
  notificationListQuerySchema,
  notificationListResponseSchema,
  notificationParamsSchema,
  notificationSchema,
  unreadCountResponseSchema,
} from './schemas';
import type { NotificationService } from './service';

const OWN_ONLY =
  "Any signed-in user, for their own notifications only: a resident's are those addressed to their resident id, " +
  "anyone else's those addressed to their username.";

function listRoute(notifications: NotificationService): Route {
  return route({
    method: 'get',
    path: '/notifications',
    operationId: 'listMyNotifications',
    tag: 'notifications',
    summary: 'My notifications, newest first, with the number unread',
    description: OWN_ONLY,
    auth: 'bearer',
    query: notificationListQuerySchema,
    responses: { 200: { description: 'My notifications', schema: notificationListResponseSchema } },
    errors: [400, 401, 503],
    handle: async ({ req, query }) => ({
      status: 200,
      body: await notifications.list(currentUser(req), query.unread === 'true'),
    }),
  });
}

function unreadCountRoute(notifications: NotificationService): Route {
  return route({
    method: 'get',
    path: '/notifications/unread-count',
    operationId: 'countMyUnreadNotifications',
    tag: 'notifications',
    summary: 'How many of my notifications are unread (the badge)',
    description: OWN_ONLY,
    auth: 'bearer',
    responses: { 200: { description: 'The unread count', schema: unreadCountResponseSchema } },
    errors: [401, 503],
    handle: async ({ req }) => ({ status: 200, body: await notifications.unreadCount(currentUser(req)) }),
  });
}

function markReadRoute(notifications: NotificationService): Route {
  return route({
    method: 'post',
    path: '/notifications/:notificationId/read',
    operationId: 'markNotificationRead',
    tag: 'notifications',
    summary: 'Mark one of my notifications read (again: no change)',
    description: `${OWN_ONLY} Another user's notification is answered 404, as if it did not exist.`,
    auth: 'bearer',
    params: notificationParamsSchema,
    responses: { 200: { description: 'The notification, read', schema: notificationSchema } },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await notifications.markRead(currentUser(req), params.notificationId),
    }),
  });
}

/** The notifications resource: every signed-in user's own notifications. */
export function notificationRoutes(notifications: NotificationService): Route[] {
  return [listRoute, unreadCountRoute, markReadRoute].map((declare) => declare(notifications));
}
