/**
 * General access policies (一般授权策略) and the resident's narrowing of them. Beside personal
 * grants, two policies set by the platform allow reads without a grant: a hospital reads the
 * records it created itself (SOURCE_ORG), and the emergency department breaks the glass with a
 * reason (BREAK_GLASS). A resident signs a "policy preferences" document that can only narrow
 * them: its every value means "less than the default" or "the default", never more.
 *
 * Emergencies stay possible: break-glass can be narrowed to some record types and fields, but
 * never below BREAK_GLASS_FLOOR_TYPES and BREAK_GLASS_FLOOR_FIELDS, which every document must keep
 * (the minimum an emergency doctor needs: diagnoses, allergies, medication, recent results).
 */
import type { ALL_FIELDS, Signed, SignedHeader } from './consent';
import { HEALTH_RECORD_TYPES, type HealthRecordType } from './health-records';

export const GENERAL_POLICIES = ['SOURCE_ORG', 'BREAK_GLASS'] as const;
export type GeneralPolicy = (typeof GENERAL_POLICIES)[number];

/** Record types break-glass always reads, whatever the resident prefers. */
export const BREAK_GLASS_FLOOR_TYPES = [
  'ENCOUNTER',
  'LAB_REPORT',
  'DISCHARGE_SUMMARY',
  'PRESCRIPTION',
] as const satisfies readonly HealthRecordType[];

/** Fields break-glass always releases from the record types it reads. */
export const BREAK_GLASS_FLOOR_FIELDS = ['allergies', 'diagnosis', 'medications'] as const;

/** The most fields a break-glass narrowing lists. */
export const POLICY_FIELDS_MAX = 64;

export interface SourceOrgPreferences {
  /** Record types no hospital reads under SOURCE_ORG (a grant still may allow them). */
  readonly excludedRecordTypes: readonly HealthRecordType[];
  /** Hospitals (MSP ids) that do not read even the records they created, without a grant. */
  readonly excludedOrgs: readonly string[];
  /** SOURCE_ORG reads at or after this time (ISO-8601 UTC with milliseconds) are refused; null: no end. */
  readonly notAfter: string | null;
}

export interface BreakGlassPreferences {
  /** The record types break-glass reads; always every BREAK_GLASS_FLOOR_TYPES type. */
  readonly recordTypes: readonly HealthRecordType[];
  /** The fields break-glass releases, or exactly [ALL_FIELDS]; always every BREAK_GLASS_FLOOR_FIELDS field. */
  readonly fields: readonly string[];
}

export interface PolicyPreferences {
  readonly sourceOrg: SourceOrgPreferences;
  readonly breakGlass: BreakGlassPreferences;
}

export const POLICY_PREFERENCES_MEMBERS = [
  'sourceOrg',
  'breakGlass',
] as const satisfies readonly (keyof PolicyPreferences)[];
export const SOURCE_ORG_PREFERENCES_MEMBERS = [
  'excludedRecordTypes',
  'excludedOrgs',
  'notAfter',
] as const satisfies readonly (keyof SourceOrgPreferences)[];
export const BREAK_GLASS_PREFERENCES_MEMBERS = [
  'recordTypes',
  'fields',
] as const satisfies readonly (keyof BreakGlassPreferences)[];

/** ALL_FIELDS, written out: consent.ts imports this module, so it imports only types from there. */
const EVERY_FIELD: typeof ALL_FIELDS = '*';

/** The general policies as the platform sets them: what applies until the resident signs otherwise. */
export const DEFAULT_POLICY_PREFERENCES: PolicyPreferences = Object.freeze({
  sourceOrg: Object.freeze({ excludedRecordTypes: [], excludedOrgs: [], notAfter: null }),
  breakGlass: Object.freeze({ recordTypes: [...HEALTH_RECORD_TYPES], fields: [EVERY_FIELD] }),
});

/** Who submitted a preferences change, and the resident's signature that authorised it. */
export interface PolicyOperationRecord {
  readonly mspId: string;
  readonly timestamp: string;
  readonly txId: string;
  readonly keyVersion: number;
  readonly nonce: string;
  readonly signedAt: string;
  readonly signature: string;
}

/**
 * A resident's preferences under `policy-preferences` [residentId]; every version is in its
 * history. Read before any is signed: the defaults at version 0, with null times and operation.
 */
export interface ResidentPolicyPreferences {
  readonly residentId: string;
  readonly preferences: PolicyPreferences;
  /** 0: never signed (the defaults); 1 with the first signed document, +1 with every change. */
  readonly version: number;
  readonly updatedAt: string | null;
  readonly lastOperation: PolicyOperationRecord | null;
}

/** The defaults of a resident who never signed preferences. */
export function defaultPolicyPreferences(residentId: string): ResidentPolicyPreferences {
  return { residentId, preferences: DEFAULT_POLICY_PREFERENCES, version: 0, updatedAt: null, lastOperation: null };
}

/** The event of a signed change: the document as stored after it. */
export const POLICY_EVENTS = { SET: 'PolicyPreferencesSet' } as const;

export interface PolicyPreferencesEvent {
  readonly txId: string;
  readonly timestamp: string;
  readonly preferences: ResidentPolicyPreferences;
}

/**
 * The signed change: the whole document, replacing the current one. `version` is the current
 * version (0 before the first), so a change signed against an older document is refused.
 */
export interface SetPoliciesPayload extends SignedHeader<'consent.policies'> {
  readonly keyVersion: number;
  readonly version: number;
  readonly preferences: PolicyPreferences;
}

export type SetPoliciesInput = Signed<SetPoliciesPayload>;
