/** The resident's share-link form: what it offers, and the request it makes. */
import { ALL_FIELDS, RECORD_FIELD, RECORD_ID } from '@hdt/vocabulary';
import type { ShareLinkRequest } from './api.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';

/** Validity choices, in minutes. */
export const SHARE_VALIDITY = [
  { minutes: 60, text: 'share.hour' },
  { minutes: 1440, text: 'share.day' },
  { minutes: 10_080, text: 'share.week' },
] as const;

export interface ShareForm {
  recordId: string;
  /** Every field and the attachment. */
  all: boolean;
  /** Field paths, comma-separated. */
  fields: string;
  minutes: number;
}

export function shareRequest(form: ShareForm): ShareLinkRequest {
  const recordId = form.recordId.trim();
  const fields = form.all ? [ALL_FIELDS] : [...new Set(form.fields.split(/[,，\s]+/).filter((field) => field !== ''))];
  if (
    !RECORD_ID.test(recordId) ||
    fields.length === 0 ||
    fields.some((f) => f !== ALL_FIELDS && !RECORD_FIELD.test(f))
  ) {
    throw new InputError(() => t('share.needFields'));
  }
  return { recordId, fields, expiresInMinutes: form.minutes };
}

/** The link as the resident passes it on: absolute, on this server. */
export function absoluteLink(url: string, origin: string): string {
  return new URL(url, origin).href;
}
