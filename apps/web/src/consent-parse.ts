/** The consent API's answers, checked field by field like every other answer (parse.ts). */
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  GRANT_STATUSES,
  type GrantStatus,
  HEALTH_RECORD_TYPES,
  type HealthRecordType,
  RESIDENT_KEY_OPERATIONS,
  type ResidentKeyOperation,
} from '@hdt/vocabulary';
import { bool, count, fail, type Json, list, member, nullableCount, nullableStr, record, str } from './parse.js';
import type { Prepared } from './signing.js';

export interface ResidentKey {
  readonly residentId: string;
  readonly publicKey: string;
  readonly keyVersion: number;
  readonly updatedAt: string;
  /** What made this version (REGISTER, ROTATE or RECOVER), by which organisation, when. */
  readonly lastOperation: {
    readonly operation: ResidentKeyOperation;
    readonly mspId: string;
    readonly timestamp: string;
  };
}

export interface KeyStatus {
  readonly registered: boolean;
  readonly key: ResidentKey | undefined;
}

export interface GrantView {
  readonly residentId: string;
  readonly grantId: string;
  readonly grantee: { readonly mspId: string; readonly doctorId: string | null };
  readonly purpose: ConsentPurpose;
  readonly referralId: string | null;
  readonly scope: {
    readonly recordTypes: readonly HealthRecordType[];
    readonly recordIds: readonly string[];
    readonly fields: readonly string[];
  };
  readonly notBefore: string;
  readonly notAfter: string;
  readonly useLimit: number | null;
  readonly uses: number;
  readonly status: GrantStatus;
  readonly version: number;
  readonly updatedAt: string;
}

function parseKey(value: unknown, path: string): ResidentKey {
  const o = record(value, path);
  const last = record(o['lastOperation'], `${path}.lastOperation`);
  return {
    residentId: str(o, 'residentId', path),
    publicKey: str(o, 'publicKey', path),
    keyVersion: count(o, 'keyVersion', path),
    updatedAt: str(o, 'updatedAt', path),
    lastOperation: {
      operation: member(RESIDENT_KEY_OPERATIONS, last['operation'], `${path}.lastOperation.operation`),
      mspId: str(last, 'mspId', `${path}.lastOperation`),
      timestamp: str(last, 'timestamp', `${path}.lastOperation`),
    },
  };
}

export function parseKeyStatus(value: unknown): KeyStatus {
  const o = record(value, 'body');
  return {
    registered: bool(o, 'registered', 'body'),
    key: o['key'] === undefined ? undefined : parseKey(o['key'], 'body.key'),
  };
}

export function parseKeyAnswer(value: unknown): ResidentKey {
  return parseKey(record(value, 'body')['key'], 'body.key');
}

export function parseScope(value: unknown, path: string): GrantView['scope'] {
  const o = record(value, path);
  return {
    recordTypes: list(o, 'recordTypes', path, (v, p) => member(HEALTH_RECORD_TYPES, v, p)),
    recordIds: list(o, 'recordIds', path, (v, p) => str({ v }, 'v', p)),
    fields: list(o, 'fields', path, (v, p) => str({ v }, 'v', p)),
  };
}

/** What a grant, the terms of one and a doctor's request for one all state: why, which records, when. */
export function parseTermFields(
  o: Json,
  path: string,
): Pick<GrantView, 'purpose' | 'referralId' | 'scope' | 'notBefore' | 'notAfter'> {
  return {
    purpose: member(CONSENT_PURPOSES, o['purpose'], `${path}.purpose`),
    referralId: nullableStr(o, 'referralId', path),
    scope: parseScope(o['scope'], `${path}.scope`),
    notBefore: str(o, 'notBefore', path),
    notAfter: str(o, 'notAfter', path),
  };
}

export function parseGrant(value: unknown, path = 'body.grant'): GrantView {
  const o = record(value, path);
  const grantee = record(o['grantee'], `${path}.grantee`);
  return {
    residentId: str(o, 'residentId', path),
    grantId: str(o, 'grantId', path),
    grantee: { mspId: str(grantee, 'mspId', `${path}.grantee`), doctorId: nullableStr(grantee, 'doctorId', path) },
    ...parseTermFields(o, path),
    useLimit: nullableCount(o, 'useLimit', path),
    uses: count(o, 'uses', path),
    status: member(GRANT_STATUSES, o['status'], `${path}.status`),
    version: count(o, 'version', path),
    updatedAt: str(o, 'updatedAt', path),
  };
}

export function parseGrantAnswer(value: unknown): GrantView {
  return parseGrant(record(value, 'body')['grant']);
}

export function parseGrantList(value: unknown): GrantView[] {
  const o = record(value, 'body');
  if (!Array.isArray(o['grants'])) fail('body.grants', 'a list');
  return list(o, 'grants', 'body', parseGrant);
}

export function parsePrepared(value: unknown): Prepared {
  const o = record(value, 'body');
  return {
    payload: record(o['payload'], 'body.payload'),
    message: str(o, 'message', 'body'),
    messageHex: str(o, 'messageHex', 'body'),
  };
}
