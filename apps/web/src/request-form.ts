/** The doctor's access-request form: which resident, why, which record types and fields, for how many days. */
import { ACCESS_REQUEST_LIMITS, RESIDENT_ID } from '@hdt/vocabulary';
import { readFields, readPurpose, readRecordTypes } from './grant-form.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';

export interface RequestFormModel {
  residentId: string;
  purpose: string;
  referralId: string;
  recordTypes: string[];
  fields: string;
  days: string;
  message: string;
}

export const MAX_REQUEST_DAYS = 365;

export function newRequestForm(): RequestFormModel {
  return { residentId: '', purpose: 'TREATMENT', referralId: '', recordTypes: [], fields: '', days: '30', message: '' };
}

function readDays(text: string): number {
  const days = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || days < 1 || days > MAX_REQUEST_DAYS) {
    throw new InputError(() => t('invalid.days', { max: MAX_REQUEST_DAYS }));
  }
  return days;
}

/** The request body, valid from a minute before `now` for the days asked; or an InputError naming the field. */
export function readRequestForm(form: RequestFormModel, now: Date): Record<string, unknown> {
  const residentId = form.residentId.trim();
  if (!RESIDENT_ID.test(residentId)) throw new InputError(() => t('invalid.residentId'));
  const days = readDays(form.days);
  const message = form.message.trim().slice(0, ACCESS_REQUEST_LIMITS.message);
  return {
    residentId,
    ...readPurpose(form),
    scope: { recordTypes: readRecordTypes(form.recordTypes), recordIds: [], fields: readFields(form.fields) },
    notBefore: new Date(now.getTime() - 60_000).toISOString(),
    notAfter: new Date(now.getTime() + days * 86_400_000).toISOString(),
    message,
  };
}
