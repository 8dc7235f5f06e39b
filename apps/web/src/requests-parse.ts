/** The access-request and notification answers, checked field by field like every other answer. */
import {
  ACCESS_REQUEST_STATUSES,
  type AccessRequestStatus,
  type ConsentPurpose,
  type GrantTerms,
  MSP_IDS,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '@hdt/vocabulary';
import { parseTermFields } from './consent-parse.js';
import { bool, count, list, member, nullableCount, nullableStr, record, str } from './parse.js';

export interface AccessRequestView {
  readonly requestId: string;
  readonly residentId: string;
  readonly doctor: { readonly username: string; readonly mspId: string; readonly displayName: string };
  readonly purpose: ConsentPurpose;
  readonly scope: GrantTerms['scope'];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly referralId: string | null;
  readonly message: string;
  readonly status: AccessRequestStatus;
  readonly answerBy: string;
  readonly grantId: string | null;
  readonly reason: string | null;
  /** The grant terms that approve it, signed unchanged. */
  readonly grant: GrantTerms;
}

export interface NotificationView {
  readonly id: string;
  readonly type: NotificationType;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly read: boolean;
}

/** The terms the resident signs to approve a request. */
function parseTerms(value: unknown, path: string): GrantTerms {
  const o = record(value, path);
  const grantee = record(o['grantee'], `${path}.grantee`);
  return {
    grantId: str(o, 'grantId', path),
    grantee: {
      mspId: member(MSP_IDS, grantee['mspId'], `${path}.grantee.mspId`),
      doctorId: nullableStr(grantee, 'doctorId', `${path}.grantee`),
    },
    ...parseTermFields(o, path),
    useLimit: nullableCount(o, 'useLimit', path),
  };
}

export function parseAccessRequest(value: unknown, path = 'body'): AccessRequestView {
  const o = record(value, path);
  const doctor = record(o['doctor'], `${path}.doctor`);
  return {
    requestId: str(o, 'requestId', path),
    residentId: str(o, 'residentId', path),
    doctor: {
      username: str(doctor, 'username', `${path}.doctor`),
      mspId: str(doctor, 'mspId', `${path}.doctor`),
      displayName: str(doctor, 'displayName', `${path}.doctor`),
    },
    ...parseTermFields(o, path),
    message: str(o, 'message', path),
    status: member(ACCESS_REQUEST_STATUSES, o['status'], `${path}.status`),
    answerBy: str(o, 'answerBy', path),
    grantId: nullableStr(o, 'grantId', path),
    reason: nullableStr(o, 'reason', path),
    grant: parseTerms(o['grant'], `${path}.grant`),
  };
}

export function parseRequestList(value: unknown): AccessRequestView[] {
  return list(record(value, 'body'), 'requests', 'body', parseAccessRequest);
}

export function parseApproved(value: unknown): AccessRequestView {
  return parseAccessRequest(record(value, 'body')['request'], 'body.request');
}

function parseNotification(value: unknown, path: string): NotificationView {
  const o = record(value, path);
  return {
    id: str(o, 'id', path),
    type: member(NOTIFICATION_TYPES, o['type'], `${path}.type`),
    title: str(o, 'title', path),
    body: str(o, 'body', path),
    createdAt: str(o, 'createdAt', path),
    read: bool(o, 'read', path),
  };
}

export function parseNotificationList(value: unknown): { notifications: NotificationView[]; unread: number } {
  const o = record(value, 'body');
  return { notifications: list(o, 'notifications', 'body', parseNotification), unread: count(o, 'unread', 'body') };
}

export function parseNotificationAnswer(value: unknown): NotificationView {
  return parseNotification(value, 'body');
}
