/**
 * The resident's narrowing of the general policies: how a signed document replaces the current
 * one, and what each narrowing lets through. Pure: the time is the transaction's.
 */
import {
  ALL_FIELDS,
  type BreakGlassPreferences,
  type RecordIndex,
  type ResidentPolicyPreferences,
  type SetPoliciesPayload,
  type SourceOrgPreferences,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from './errors';
import type { TxContext } from './invoice';

/** The new document, signed against the current version (0 when the defaults apply). */
export function applyPolicies(
  current: ResidentPolicyPreferences,
  payload: SetPoliciesPayload,
  signature: string,
  tx: TxContext,
): ResidentPolicyPreferences {
  if (payload.version !== current.version) {
    throw chaincodeError(
      ErrorCode.POLICY_VERSION_CONFLICT,
      `payload.version is ${payload.version}, but the preferences of resident ${current.residentId} ` +
        `are at version ${current.version}`,
    );
  }
  const { keyVersion, nonce, signedAt } = payload;
  return {
    residentId: current.residentId,
    preferences: payload.preferences,
    version: current.version + 1,
    updatedAt: tx.timestamp,
    lastOperation: { mspId: tx.mspId, timestamp: tx.timestamp, txId: tx.txId, keyVersion, nonce, signedAt, signature },
  };
}

/** Whether the hospital that created `record` may still read it under SOURCE_ORG at `at`. */
export function sourceOrgAllows(preferences: SourceOrgPreferences, record: RecordIndex, at: string): boolean {
  if (preferences.excludedOrgs.includes(record.sourceOrg)) return false;
  if (preferences.excludedRecordTypes.includes(record.type)) return false;
  return preferences.notAfter === null || at < preferences.notAfter;
}

/** The fields break-glass releases from `record` of those asked for; none when its type is narrowed out. */
export function breakGlassFields(
  preferences: BreakGlassPreferences,
  record: RecordIndex,
  asked: readonly string[],
): { fields: string[]; withheldFields: string[] } {
  if (!preferences.recordTypes.includes(record.type)) return { fields: [], withheldFields: [...asked] };
  const released = (field: string) => preferences.fields.includes(ALL_FIELDS) || preferences.fields.includes(field);
  return { fields: asked.filter(released), withheldFields: asked.filter((field) => !released(field)) };
}
