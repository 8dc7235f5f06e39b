/** Notifications in the document database (collection `notifications`), indexed by recipient and time. */
import { NOTIFICATION_TYPES } from '@hdt/vocabulary';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { NotificationStore, StoredNotification } from './store';

export const NOTIFICATION_COLLECTION = 'notifications';

type NotificationDoc = Omit<StoredNotification, 'id'> & { _id: string };

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String },
    recipient: { type: String, required: true },
    type: { type: String, required: true, enum: NOTIFICATION_TYPES },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    ref: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: String, required: true },
    readAt: { type: String, default: null },
  },
  { collection: NOTIFICATION_COLLECTION, versionKey: false },
);
notificationSchema.index({ recipient: 1, createdAt: -1 });
notificationSchema.index({ recipient: 1, readAt: 1, createdAt: -1 });

export type NotificationModel = Model<NotificationDoc>;

export function notificationModel(connection: Connection): NotificationModel {
  if (connection.modelNames().includes('Notification')) return connection.model<NotificationDoc>('Notification');
  return connection.model<NotificationDoc>('Notification', notificationSchema, NOTIFICATION_COLLECTION);
}

const storedSchema = z.object({
  _id: z.string(),
  recipient: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  ref: z.object({ kind: z.string(), id: z.string() }).nullable().default(null),
  createdAt: z.string(),
  readAt: z.string().nullable().default(null),
});

function fromDoc(doc: unknown): StoredNotification {
  const { _id, ...rest } = storedSchema.parse(doc);
  return { id: _id, ...rest };
}

/** Database failures are never the caller's fault: 503, to be retried. */
async function stored<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('STORAGE_UNAVAILABLE', `${what}: the notification store is unavailable`, { cause: err });
  }
}

export class MongoNotificationStore implements NotificationStore {
  constructor(private readonly model: NotificationModel) {}

  add(notification: StoredNotification): Promise<void> {
    const { id, ...rest } = notification;
    return stored('notify', async () => {
      await this.model.create({ _id: id, ...rest });
    });
  }

  list(recipient: string, options: { unreadOnly: boolean; limit: number }): Promise<StoredNotification[]> {
    const filter = options.unreadOnly ? { recipient, readAt: null } : { recipient };
    return stored('list notifications', async () => {
      const docs = await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit).lean();
      return docs.map(fromDoc);
    });
  }

  countUnread(recipient: string): Promise<number> {
    return stored('count notifications', () => this.model.countDocuments({ recipient, readAt: null }));
  }

  markRead(recipient: string, id: string, at: string): Promise<StoredNotification | undefined> {
    return stored('mark a notification read', async () => {
      await this.model.updateOne({ _id: id, recipient, readAt: null }, { $set: { readAt: at } });
      const doc = await this.model.findOne({ _id: id, recipient }).lean();
      return doc === null ? undefined : fromDoc(doc);
    });
  }
}
