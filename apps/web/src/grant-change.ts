/**
 * Adjusting an active grant (consent:Change): its record types, fields, validity window and use
 * limit. Grantee, purpose, referral and the specific records stay as granted. The form starts as
 * the grant is; a day left as it was keeps the grant's exact start or end (an on-site grant's runs
 * to the minute), a changed day runs from the start of the first to the end of the last, as in the
 * grant form.
 */
import { type ConsentTerms, CONSENT_LIMITS } from '@hdt/vocabulary';
import type { GrantView } from './consent-parse.js';
import { dayText, readFields, readRecordTypes, readWindow } from './grant-form.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';
import type { TextKey } from './texts.js';

export interface ChangeFormModel {
  recordTypes: string[];
  /** Field paths separated by commas or spaces; blank or `*`: every field. */
  fields: string;
  /** YYYY-MM-DD, both included. */
  from: string;
  to: string;
  /** Blank: no limit. */
  useLimit: string;
}

function refuse(key: TextKey, params: Readonly<Record<string, number>> = {}): never {
  throw new InputError(() => t(key, params));
}

/** The form showing `grant` as it is. */
export function changeFormOf(grant: GrantView): ChangeFormModel {
  return {
    recordTypes: [...grant.scope.recordTypes],
    fields: grant.scope.fields.join(', '),
    from: dayText(new Date(grant.notBefore)),
    to: dayText(new Date(Date.parse(grant.notAfter) - 1)),
    useLimit: grant.useLimit === null ? '' : String(grant.useLimit),
  };
}

function readChangeWindow(form: ChangeFormModel, grant: GrantView, now: Date) {
  const shown = changeFormOf(grant);
  const days = readWindow(form.from, form.to);
  const notBefore = form.from === shown.from ? grant.notBefore : days.notBefore;
  const notAfter = form.to === shown.to ? grant.notAfter : days.notAfter;
  if (Date.parse(notAfter) <= Date.parse(notBefore)) refuse('invalid.window');
  if (Date.parse(notAfter) <= now.getTime()) refuse('change.ended');
  return { notBefore, notAfter };
}

/** At least the accesses already made, so that the limit does not end the grant by surprise. */
function readChangeUseLimit(text: string, grant: GrantView): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > CONSENT_LIMITS.useLimit) {
    refuse('invalid.useLimit');
  }
  const limit = Number(trimmed);
  if (limit < grant.uses) refuse('change.belowUses', { uses: grant.uses });
  return limit;
}

/** The new terms of `grant`, or an InputError naming the first wrong field. */
export function readChangeForm(form: ChangeFormModel, grant: GrantView, now: Date): ConsentTerms {
  return {
    scope: {
      recordTypes: readRecordTypes(form.recordTypes),
      recordIds: [...grant.scope.recordIds],
      fields: readFields(form.fields),
    },
    ...readChangeWindow(form, grant, now),
    useLimit: readChangeUseLimit(form.useLimit, grant),
  };
}

/** Whether the terms differ from the grant's: an unchanged form is not worth a signature. */
export function changesGrant(terms: ConsentTerms, grant: GrantView): boolean {
  const before = { scope: grant.scope, notBefore: grant.notBefore, notAfter: grant.notAfter, useLimit: grant.useLimit };
  return JSON.stringify(terms) !== JSON.stringify(before);
}
