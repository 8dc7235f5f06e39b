/** Notifications kept per recipient, newest first; the port and its in-memory implementation. */
import type { NotificationType } from '@hdt/vocabulary';

/** A resident (by pseudonymous resident id) or any other user (by username). */
export type Recipient = { residentId: string } | { username: string };

/** What a notification points at, e.g. `{ kind: 'access-request', id: 'req-…' }`. */
export interface NotificationRef {
  kind: string;
  id: string;
}

export interface NotificationMessage {
  type: NotificationType;
  title: string;
  body: string;
  ref: NotificationRef | null;
}

export interface StoredNotification extends NotificationMessage {
  id: string;
  /** `resident:<residentId>` or `user:<username>`. */
  recipient: string;
  createdAt: string;
  readAt: string | null;
}

/** The one key a recipient's notifications are stored and looked up under. */
export function recipientKey(recipient: Recipient): string {
  return 'residentId' in recipient ? `resident:${recipient.residentId}` : `user:${recipient.username}`;
}

export interface NotificationStore {
  add(notification: StoredNotification): Promise<void>;
  /** The recipient's newest `limit` notifications, newest first (unread ones only when asked). */
  list(recipient: string, options: { unreadOnly: boolean; limit: number }): Promise<StoredNotification[]>;
  countUnread(recipient: string): Promise<number>;
  /** Marks it read (keeping the first time it was read); undefined when the recipient has no such notification. */
  markRead(recipient: string, id: string, at: string): Promise<StoredNotification | undefined>;
}

const newestFirst = (a: StoredNotification, b: StoredNotification) =>
  b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

export class InMemoryNotificationStore implements NotificationStore {
  private readonly items = new Map<string, StoredNotification>();

  add(notification: StoredNotification): Promise<void> {
    this.items.set(notification.id, { ...notification });
    return Promise.resolve();
  }

  list(recipient: string, options: { unreadOnly: boolean; limit: number }): Promise<StoredNotification[]> {
    const mine = [...this.items.values()].filter(
      (item) => item.recipient === recipient && (!options.unreadOnly || item.readAt === null),
    );
    return Promise.resolve(mine.sort(newestFirst).slice(0, options.limit));
  }

  countUnread(recipient: string): Promise<number> {
    const unread = [...this.items.values()].filter((item) => item.recipient === recipient && item.readAt === null);
    return Promise.resolve(unread.length);
  }

  markRead(recipient: string, id: string, at: string): Promise<StoredNotification | undefined> {
    const item = this.items.get(id);
    if (item === undefined || item.recipient !== recipient) return Promise.resolve(undefined);
    item.readAt ??= at;
    return Promise.resolve({ ...item });
  }
}
