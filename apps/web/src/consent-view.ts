/** A grant in words, in the page language: whom, why, what, when. */
import { ALL_FIELDS } from '@hdt/vocabulary';
import type { GrantView } from './consent-parse.js';
import { dayText } from './grant-form.js';
import { pick, t } from './i18n.js';
import { PURPOSE_LABELS, RECORD_TYPE_LABELS } from './labels.js';
import { orgName } from './names.js';

export function granteeText(grantee: GrantView['grantee']): string {
  return `${orgName(grantee.mspId)} · ${grantee.doctorId ?? t('grants.wholeInstitution')}`;
}

export function purposeText(grant: GrantView): string {
  const purpose = pick(PURPOSE_LABELS[grant.purpose]);
  return grant.referralId === null ? purpose : `${purpose} (${grant.referralId})`;
}

export function scopeText(scope: GrantView['scope']): string {
  const types = scope.recordTypes.map((type) => pick(RECORD_TYPE_LABELS[type])).join('、');
  const fields =
    scope.fields.length === 1 && scope.fields[0] === ALL_FIELDS ? t('field.allFields') : scope.fields.join(', ');
  const records = scope.recordIds.length === 0 ? '' : ` [${scope.recordIds.join(', ')}]`;
  return `${types}${records}: ${fields}`;
}

/** First and last calendar day on this device; the window ends just before `notAfter`. */
export function validityText(grant: Pick<GrantView, 'notBefore' | 'notAfter'>): string {
  const first = dayText(new Date(grant.notBefore));
  const last = dayText(new Date(Date.parse(grant.notAfter) - 1));
  return `${first} ~ ${last}`;
}
