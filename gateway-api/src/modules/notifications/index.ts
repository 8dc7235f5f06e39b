/** Notifications to residents and users: the store, the notify service other modules call, and the routes. */
export { notificationRoutes } from './routes';
export { notificationComponents } from './schemas';
export { NotificationService, recipientOf, type NotificationView } from './service';
export { InMemoryNotificationStore, type NotificationMessage, type NotificationStore, type Recipient } from './store';
export { MongoNotificationStore, notificationModel, NOTIFICATION_COLLECTION } from './mongo-store';
