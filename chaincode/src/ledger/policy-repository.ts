/** Typed access to residents' policy preferences on the ledger. */
import { defaultPolicyPreferences, type HistoryEntry, type ResidentPolicyPreferences } from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { parseStoredPolicyPreferences } from '../domain/policy-inputs';
import { policyPreferencesKey } from './keys';
import { encodeState } from './serialise';
import { getStored, storedHistory } from './stored';
import type { LedgerStub } from './stub';

function label(residentId: string): string {
  return `policy preferences of resident ${residentId}`;
}

export class PolicyRepository {
  constructor(private readonly stub: LedgerStub) {}

  /** The resident's signed preferences, or the defaults at version 0 when none were signed. */
  async get(residentId: string): Promise<ResidentPolicyPreferences> {
    const what = label(residentId);
    const key = policyPreferencesKey(this.stub, residentId);
    const stored = await getStored(this.stub, key, what, parseStoredPolicyPreferences);
    if (stored === undefined) return defaultPolicyPreferences(residentId);
    if (stored.residentId !== residentId)
      throw chaincodeError(ErrorCode.INTERNAL, `${what} state holds another object`);
    return stored;
  }

  async put(preferences: ResidentPolicyPreferences): Promise<void> {
    await this.stub.putState(policyPreferencesKey(this.stub, preferences.residentId), encodeState(preferences));
  }

  async history(residentId: string): Promise<HistoryEntry<ResidentPolicyPreferences>[]> {
    const key = policyPreferencesKey(this.stub, residentId);
    return storedHistory(this.stub, key, label(residentId), parseStoredPolicyPreferences);
  }
}
