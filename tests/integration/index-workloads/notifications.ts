/** Notifications (`notifications`): per recipient, newest first, most of them read. */
import { randomBytes } from 'node:crypto';
import { NOTIFICATION_TYPES } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import { MongoNotificationStore, notificationModel } from '../../../gateway-api/src/modules/notifications';
import type { StoredNotification } from '../../../gateway-api/src/modules/notifications/store';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const RECIPIENTS = 200;

function recipientOf(i: number): string {
  return i % 2 === 0 ? `resident:${hex64(`resident-${i % RECIPIENTS}`)}` : `user:doctor${i % RECIPIENTS}`;
}

function notification(i: number, recipient: string, createdAt: Date, readAt: Date | null): StoredNotification {
  return {
    id: randomBytes(12).toString('hex'),
    recipient,
    type: nth(NOTIFICATION_TYPES, i),
    title: 'Access request',
    body: 'Doctor 3 of the district hospital asks to read your lab reports',
    ref: { kind: 'access-request', id: `req-${randomBytes(12).toString('hex')}` },
    createdAt: createdAt.toISOString(),
    readAt: readAt === null ? null : readAt.toISOString(),
  };
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  const docs = many(size, (i) => {
    const createdAt = before(now, (size - i) * 60);
    const { id, ...rest } = notification(i, recipientOf(i), createdAt, i % 10 === 0 ? null : before(createdAt, -30));
    return { _id: id, ...rest };
  });
  await insertRaw(notificationModel(connection), docs);
}

async function exercise(connection: Connection): Promise<void> {
  const store = new MongoNotificationStore(notificationModel(connection));
  const recipient = `resident:${hex64('resident-exercise')}`;
  const first = notification(1, recipient, before(new Date(), 60), null);
  const second = notification(2, recipient, new Date(), null);
  await store.add(first);
  await store.add(second);
  expect(await store.list(recipient, { unreadOnly: false, limit: 20 })).toEqual([second, first]);
  expect(await store.countUnread(recipient)).toBe(2);
  const read = await store.markRead(recipient, first.id, new Date().toISOString());
  expect(read?.readAt).not.toBeNull();
  expect(await store.list(recipient, { unreadOnly: true, limit: 20 })).toEqual([second]);
  expect(await store.markRead('user:someone-else', second.id, new Date().toISOString())).toBeUndefined();
}

export const notificationWorkload: Workload = { models: [notificationModel], seed, exercise };
