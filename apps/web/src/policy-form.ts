/**
 * The resident's narrowing of the general access policies on the phone page: the form's model,
 * made from the preferences on chain and read back into the document the resident signs. The
 * form cannot widen: it only excludes, and break-glass always keeps the emergency floor.
 */
import {
  ALL_FIELDS,
  BREAK_GLASS_FLOOR_FIELDS,
  BREAK_GLASS_FLOOR_TYPES,
  HEALTH_RECORD_TYPES,
  type HealthRecordType,
  POLICY_FIELDS_MAX,
  type PolicyPreferences,
  RECORD_FIELD,
} from '@hdt/vocabulary';
import { t } from './i18n.js';
import { InputError } from './messages.js';

export interface PolicyFormModel {
  /** Record types the hospital that created them may no longer read without a grant. */
  excludedTypes: string[];
  /** Hospitals that may no longer read even their own records without a grant. */
  excludedOrgs: string[];
  /** From this day on (YYYY-MM-DD, local), no hospital reads its own records without a grant; "" never. */
  sourceOrgUntil: string;
  /** Record types the emergency department reads, besides the floor. */
  glassTypes: string[];
  /** Break-glass releases every field. */
  glassAllFields: boolean;
  /** Break-glass fields besides the floor, comma-separated (when not every field). */
  glassFields: string;
}

/** The floor types are not optional on the form: only the others may be unticked. */
export const OPTIONAL_GLASS_TYPES: readonly HealthRecordType[] = HEALTH_RECORD_TYPES.filter(
  (type) => !(BREAK_GLASS_FLOOR_TYPES as readonly string[]).includes(type),
);

const FLOOR_FIELDS: readonly string[] = BREAK_GLASS_FLOOR_FIELDS;

function localDay(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

export function policyForm(preferences: PolicyPreferences): PolicyFormModel {
  const { sourceOrg, breakGlass } = preferences;
  const allFields = breakGlass.fields.includes(ALL_FIELDS);
  return {
    excludedTypes: [...sourceOrg.excludedRecordTypes],
    excludedOrgs: [...sourceOrg.excludedOrgs],
    sourceOrgUntil: sourceOrg.notAfter === null ? '' : localDay(sourceOrg.notAfter),
    glassTypes: OPTIONAL_GLASS_TYPES.filter((type) => breakGlass.recordTypes.includes(type)),
    glassAllFields: allFields,
    glassFields: allFields ? '' : breakGlass.fields.filter((field) => !FLOOR_FIELDS.includes(field)).join(', '),
  };
}

function refuse(): never {
  throw new InputError(() => t('policy.invalidFields'));
}

function readGlassFields(form: PolicyFormModel): string[] {
  if (form.glassAllFields) return [ALL_FIELDS];
  const extra = form.glassFields.split(/[\s,，、]+/).filter((field) => field !== '');
  if (!extra.every((field) => RECORD_FIELD.test(field))) refuse();
  const fields = [...new Set([...FLOOR_FIELDS, ...extra])];
  if (fields.length > POLICY_FIELDS_MAX) refuse();
  return fields;
}

function readUntil(day: string): string | null {
  if (day === '') return null;
  const at = new Date(`${day}T00:00:00`);
  if (Number.isNaN(at.getTime())) throw new InputError(() => t('policy.invalidDate'));
  return at.toISOString();
}

/** The document to sign: known values only, in vocabulary order, the floor always kept. */
export function readPolicyForm(form: PolicyFormModel, hospitals: readonly string[]): PolicyPreferences {
  return {
    sourceOrg: {
      excludedRecordTypes: HEALTH_RECORD_TYPES.filter((type) => form.excludedTypes.includes(type)),
      excludedOrgs: hospitals.filter((mspId) => form.excludedOrgs.includes(mspId)),
      notAfter: readUntil(form.sourceOrgUntil),
    },
    breakGlass: {
      recordTypes: HEALTH_RECORD_TYPES.filter(
        (type) => (BREAK_GLASS_FLOOR_TYPES as readonly string[]).includes(type) || form.glassTypes.includes(type),
      ),
      fields: readGlassFields(form),
    },
  };
}
