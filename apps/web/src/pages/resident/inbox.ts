/** The resident's inbox: requests waiting for an answer, and notifications with the unread count. */
import { type ShallowRef, shallowRef } from 'vue';
import type { Api } from '../../api.js';
import type { AccessRequestView, NotificationView } from '../../requests-parse.js';

export interface Inbox {
  readonly pending: Readonly<ShallowRef<readonly AccessRequestView[]>>;
  readonly notifications: Readonly<ShallowRef<readonly NotificationView[]>>;
  readonly unread: Readonly<ShallowRef<number>>;
  refresh(): Promise<void>;
  /** Drops an answered request from the pending list. */
  answered(requestId: string): void;
  markRead(id: string): Promise<void>;
}

export function createInbox(api: () => Api): Inbox {
  const pending = shallowRef<readonly AccessRequestView[]>([]);
  const notifications = shallowRef<readonly NotificationView[]>([]);
  const unread = shallowRef(0);
  const loadNotes = async (): Promise<void> => {
    const answer = await api().notifications();
    notifications.value = answer.notifications;
    unread.value = answer.unread;
  };
  return {
    pending,
    notifications,
    unread,
    refresh: async () => {
      const [requests] = await Promise.all([api().accessRequests('PENDING'), loadNotes()]);
      pending.value = requests;
    },
    answered: (requestId) => {
      pending.value = pending.value.filter((request) => request.requestId !== requestId);
    },
    markRead: async (id) => {
      await api().markRead(id);
      await loadNotes();
    },
  };
}
