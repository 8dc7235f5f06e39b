/**
 * Notifications: other modules call `notify(recipient, message)`; a signed-in user reads their own
 * (a resident's are addressed to their resident id, anyone else's to their username).
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import {
  recipientKey,
  type NotificationMessage,
  type NotificationStore,
  type Recipient,
  type StoredNotification,
} from './store';

export interface NotificationView extends NotificationMessage {
  id: string;
  createdAt: string;
  read: boolean;
  readAt: string | null;
}

/** At most this many notifications are listed, newest first. */
export const NOTIFICATION_LIST_LIMIT = 100;

export interface NotificationServiceDeps {
  store: NotificationStore;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
}

/** Whom the signed-in user's notifications are addressed to. */
export function recipientOf(user: User): Recipient {
  return user.role === 'resident' && user.residentId !== undefined
    ? { residentId: user.residentId }
    : { username: user.username };
}

function view(item: StoredNotification): NotificationView {
  const { id, type, title, body, ref, createdAt, readAt } = item;
  return { id, type, title, body, ref, createdAt, read: readAt !== null, readAt };
}

export class NotificationService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: NotificationServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? (() => randomBytes(12).toString('hex'));
  }

  /** Stores a notification for `recipient` and returns it. */
  async notify(recipient: Recipient, message: NotificationMessage): Promise<NotificationView> {
    const item: StoredNotification = {
      ...message,
      id: this.newId(),
      recipient: recipientKey(recipient),
      createdAt: this.clock().toISOString(),
      readAt: null,
    };
    await this.deps.store.add(item);
    return view(item);
  }

  /** Like notify, but a failure is logged and swallowed: the operation it reports on already happened. */
  async notifyQuietly(recipient: Recipient, message: NotificationMessage): Promise<void> {
    try {
      await this.notify(recipient, message);
    } catch (err) {
      this.deps.logger.warn('a notification could not be stored', { type: message.type, error: String(err) });
    }
  }

  async list(user: User, unreadOnly: boolean): Promise<{ notifications: NotificationView[]; unread: number }> {
    const key = recipientKey(recipientOf(user));
    const items = await this.deps.store.list(key, { unreadOnly, limit: NOTIFICATION_LIST_LIMIT });
    return { notifications: items.map(view), unread: await this.deps.store.countUnread(key) };
  }

  async unreadCount(user: User): Promise<{ unread: number }> {
    return { unread: await this.deps.store.countUnread(recipientKey(recipientOf(user))) };
  }

  async markRead(user: User, id: string): Promise<NotificationView> {
    const item = await this.deps.store.markRead(recipientKey(recipientOf(user)), id, this.clock().toISOString());
    if (item === undefined) throw new AppError('NOTIFICATION_NOT_FOUND', `you have no notification ${id}`);
    return view(item);
  }
}
