/**
 * The resident's grant form: whom (a hospital, optionally one doctor there), why, which record
 * types and fields, from which day to which day. Days are the phone's calendar days: a grant runs
 * from the start of its first day to the end of its last.
 */
import {
  ACTOR,
  ALL_FIELDS,
  CONSENT_LIMITS,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type GrantTerms,
  HEALTH_RECORD_TYPES,
  type HealthRecordType,
  type MspId,
  ORGS,
  RECORD_FIELD,
  REFERRAL_ID,
} from '@hdt/vocabulary';
import { t } from './i18n.js';
import { InputError } from './messages.js';
import type { TextKey } from './texts.js';

/** The form as typed. */
export interface GrantFormModel {
  mspId: string;
  doctorId: string;
  purpose: string;
  referralId: string;
  recordTypes: string[];
  /** Field paths separated by commas or spaces; blank: every field. */
  fields: string;
  /** YYYY-MM-DD, both included. */
  from: string;
  to: string;
  /** Blank: no limit. */
  useLimit: string;
}

/** The institutions a resident grants to: the hospitals, whose doctors read records. */
export const HOSPITALS: readonly MspId[] = ORGS.filter((org) => org.kind === 'hospital').map((org) => org.mspId);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayText(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A form for a 30-day treatment grant starting `today`. */
export function newGrantForm(today: Date): GrantFormModel {
  const last = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 29);
  return {
    mspId: '',
    doctorId: '',
    purpose: 'TREATMENT',
    referralId: '',
    recordTypes: [],
    fields: '',
    from: dayText(today),
    to: dayText(last),
    useLimit: '',
  };
}

function refuse(key: TextKey): never {
  throw new InputError(() => t(key));
}

/** Local midnight at the start of `day`, `offset` days later. */
function startOf(day: string, offset: number): Date | undefined {
  const m = DAY.exec(day);
  if (m === null) return undefined;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + offset);
  return dayText(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) === day ? date : undefined;
}

export function readWindow(from: string, to: string): { notBefore: string; notAfter: string } {
  const start = startOf(from, 0);
  const end = startOf(to, 1);
  if (start === undefined || end === undefined || end <= start) refuse('invalid.window');
  return { notBefore: start.toISOString(), notAfter: end.toISOString() };
}

export function readFields(text: string): string[] {
  const fields = text.split(/[\s,，、]+/).filter((field) => field !== '');
  if (fields.length === 0 || (fields.length === 1 && fields[0] === ALL_FIELDS)) return [ALL_FIELDS];
  if (fields.length > CONSENT_LIMITS.fields || !fields.every((field) => RECORD_FIELD.test(field))) {
    refuse('invalid.fields');
  }
  return [...new Set(fields)];
}

export function readRecordTypes(types: readonly string[]): HealthRecordType[] {
  const known = HEALTH_RECORD_TYPES.filter((type) => types.includes(type));
  if (known.length === 0) refuse('invalid.recordTypes');
  return known;
}

function readUseLimit(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const limit = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || limit < 1 || limit > CONSENT_LIMITS.useLimit) refuse('invalid.useLimit');
  return limit;
}

function readGrantee(form: GrantFormModel): GrantTerms['grantee'] {
  const hospital = HOSPITALS.find((mspId) => mspId === form.mspId);
  if (hospital === undefined) refuse('invalid.grantee');
  const doctorId = form.doctorId.trim();
  if (doctorId !== '' && !ACTOR.test(doctorId)) refuse('invalid.doctorId');
  return { mspId: hospital, doctorId: doctorId === '' ? null : doctorId };
}

export function readPurpose(form: Pick<GrantFormModel, 'purpose' | 'referralId'>): {
  purpose: ConsentPurpose;
  referralId: string | null;
} {
  const purpose = CONSENT_PURPOSES.find((p) => p === form.purpose);
  if (purpose === undefined) refuse('invalid.purpose');
  const referralId = form.referralId.trim();
  if (referralId === '' && purpose === 'REFERRAL') refuse('invalid.referralId');
  if (referralId !== '' && !REFERRAL_ID.test(referralId)) refuse('invalid.referralId');
  return { purpose, referralId: referralId === '' ? null : referralId };
}

/** The terms of a new grant with id `grantId`, or an InputError naming the first wrong field. */
export function readGrantForm(form: GrantFormModel, grantId: string): GrantTerms {
  return {
    grantId,
    grantee: readGrantee(form),
    ...readPurpose(form),
    scope: { recordTypes: readRecordTypes(form.recordTypes), recordIds: [], fields: readFields(form.fields) },
    ...readWindow(form.from, form.to),
    useLimit: readUseLimit(form.useLimit),
  };
}

/** A new grant id: `g-` and a random UUID. */
export function newGrantId(): string {
  return `g-${globalThis.crypto.randomUUID()}`;
}

/** A passphrase long enough and typed the same twice. */
export function checkNewPassphrase(passphrase: string, repeated: string, min: number): void {
  if (passphrase.length < min) throw new InputError(() => t('invalid.passphrase', { min }));
  if (passphrase !== repeated) refuse('invalid.passphraseRepeat');
}
