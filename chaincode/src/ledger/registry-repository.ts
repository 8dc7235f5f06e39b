/** Typed access to the org registry on the ledger. */
import { MSP_IDS, type OrgProfile } from '@hdt/vocabulary';
import { ChaincodeError, ErrorCode, chaincodeError } from '../domain/errors';
import { parseStoredProfile } from '../domain/registry';
import { orgKey } from './keys';
import { decodeState, encodeState } from './serialise';
import type { LedgerStub } from './stub';

export class RegistryRepository {
  constructor(private readonly stub: LedgerStub) {}

  async get(mspId: string): Promise<OrgProfile | undefined> {
    const bytes = await this.stub.getState(orgKey(this.stub, mspId));
    if (bytes === undefined || bytes.length === 0) return undefined;
    const what = `registry profile of ${mspId}`;
    try {
      return parseStoredProfile(decodeState(bytes, what));
    } catch (error) {
      if (error instanceof ChaincodeError && error.code === ErrorCode.INVALID_ARGUMENT) {
        throw chaincodeError(ErrorCode.INTERNAL, `${what} is malformed: ${error.detail}`);
      }
      throw error;
    }
  }

  /** Every member's profile, in the order of the organisation table (members without one are left out). */
  async all(): Promise<OrgProfile[]> {
    const profiles: OrgProfile[] = [];
    for (const mspId of MSP_IDS) {
      const profile = await this.get(mspId);
      if (profile !== undefined) profiles.push(profile);
    }
    return profiles;
  }

  async put(profile: OrgProfile): Promise<void> {
    await this.stub.putState(orgKey(this.stub, profile.mspId), encodeState(profile));
  }
}
