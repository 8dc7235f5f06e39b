/** The access answers — a doctor's read of a record, the resident's access list — checked field by field. */
import { ACCESS_LOG_PURPOSES, ACCESS_LOG_REASONS, type AccessLogPurpose, type AccessLogReason } from '@hdt/vocabulary';
import { bool, list, member, record, str, strings } from './parse.js';

export interface AccessView {
  readonly accessId: string;
  readonly at: string;
  readonly displayName: string;
  readonly institution: string;
  readonly recordId: string;
  readonly purpose: AccessLogPurpose;
  readonly outcome: 'ALLOWED' | 'REFUSED';
  readonly reason: AccessLogReason | null;
  readonly breakGlass: boolean;
  readonly fields: readonly string[];
  /** On chain under an anchor's Merkle root already. */
  readonly anchored: boolean;
}

export interface ReadResult {
  readonly accessId: string;
  readonly recordId: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly withheldFields: readonly string[];
  readonly missingFields: readonly string[];
  readonly watermark: string;
}

const OUTCOMES = ['ALLOWED', 'REFUSED'] as const;

function parseAccess(value: unknown, path: string): AccessView {
  const o = record(value, path);
  return {
    accessId: str(o, 'accessId', path),
    at: str(o, 'at', path),
    displayName: str(o, 'displayName', path),
    institution: str(o, 'institution', path),
    recordId: str(o, 'recordId', path),
    purpose: member(ACCESS_LOG_PURPOSES, o['purpose'], `${path}.purpose`),
    outcome: member(OUTCOMES, o['outcome'], `${path}.outcome`),
    reason: o['reason'] === null ? null : member(ACCESS_LOG_REASONS, o['reason'], `${path}.reason`),
    breakGlass: bool(o, 'breakGlass', path),
    fields: strings(o, 'fields', path),
    anchored: o['anchor'] !== null && o['anchor'] !== undefined,
  };
}

export function parseAccessList(value: unknown): AccessView[] {
  return list(record(value, 'body'), 'accesses', 'body', parseAccess);
}

export function parseReadResult(value: unknown): ReadResult {
  const o = record(value, 'body');
  return {
    accessId: str(o, 'accessId', 'body'),
    recordId: str(o, 'recordId', 'body'),
    fields: record(o['fields'], 'body.fields'),
    withheldFields: strings(o, 'withheldFields', 'body'),
    missingFields: strings(o, 'missingFields', 'body'),
    watermark: str(o, 'watermark', 'body'),
  };
}
