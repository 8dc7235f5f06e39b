/** Typed access to residents' keys, consent grants and used nonces on the ledger. */
import type { ConsentGrant, HistoryEntry, ResidentKey, SignedOperation } from '@hdt/vocabulary';
import { parseStoredGrant } from '../domain/consent';
import { parseGrantId } from '../domain/consent-inputs';
import { openObject, parseResidentId } from '../domain/signed-inputs';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { parseStoredResidentKey } from '../domain/resident-keys';
import {
  GRANTEE_INDEX_OBJECT_TYPE,
  GRANT_OBJECT_TYPE,
  WHOLE_INSTITUTION,
  grantKey,
  granteeIndexKey,
  nonceKey,
  residentKeyKey,
} from './keys';
import { encodeState } from './serialise';
import { getStored, readStored, storedHistory } from './stored';
import type { LedgerStub } from './stub';
import type { TransactionFacts } from './transaction';

function keyLabel(residentId: string): string {
  return `key of resident ${residentId}`;
}

function grantLabel(residentId: string, grantId: string): string {
  return `grant ${grantId} of resident ${residentId}`;
}

/** A stored value must be the one its key names. */
function checkIdentity<T>(value: T, matches: (value: T) => boolean, what: string): T {
  if (!matches(value)) throw chaincodeError(ErrorCode.INTERNAL, `${what} state holds another object`);
  return value;
}

export class ResidentKeyRepository {
  constructor(private readonly stub: LedgerStub) {}

  async get(residentId: string): Promise<ResidentKey | undefined> {
    const what = keyLabel(residentId);
    const key = await getStored(this.stub, residentKeyKey(this.stub, residentId), what, parseStoredResidentKey);
    return key === undefined ? undefined : checkIdentity(key, (k) => k.residentId === residentId, what);
  }

  async put(key: ResidentKey): Promise<void> {
    await this.stub.putState(residentKeyKey(this.stub, key.residentId), encodeState(key));
  }

  async history(residentId: string): Promise<HistoryEntry<ResidentKey>[]> {
    const key = residentKeyKey(this.stub, residentId);
    return storedHistory(this.stub, key, keyLabel(residentId), parseStoredResidentKey);
  }
}

interface IndexEntry {
  readonly residentId: string;
  readonly grantId: string;
}

function parseIndexEntry(value: unknown): IndexEntry {
  const field = openObject(value, 'entry', ['residentId', 'grantId']);
  return { residentId: parseResidentId(field('residentId')), grantId: parseGrantId(field('grantId')) };
}

function compareIds(a: ConsentGrant, b: ConsentGrant): number {
  const byResident = a.residentId < b.residentId ? -1 : a.residentId > b.residentId ? 1 : 0;
  return byResident !== 0 ? byResident : a.grantId < b.grantId ? -1 : a.grantId > b.grantId ? 1 : 0;
}

export class GrantRepository {
  constructor(private readonly stub: LedgerStub) {}

  async get(residentId: string, grantId: string): Promise<ConsentGrant | undefined> {
    const what = grantLabel(residentId, grantId);
    const grant = await getStored(this.stub, grantKey(this.stub, residentId, grantId), what, parseStoredGrant);
    const matches = (g: ConsentGrant): boolean => g.residentId === residentId && g.grantId === grantId;
    return grant === undefined ? undefined : checkIdentity(grant, matches, what);
  }

  async put(grant: ConsentGrant): Promise<void> {
    await this.stub.putState(grantKey(this.stub, grant.residentId, grant.grantId), encodeState(grant));
  }

  /** The resident's grants in key order (by grant id). */
  async listByResident(residentId: string): Promise<ConsentGrant[]> {
    const grants: ConsentGrant[] = [];
    for await (const { key, value } of this.stub.getStateByPartialCompositeKey(GRANT_OBJECT_TYPE, [residentId])) {
      const grant = readStored(value, `grant at ${JSON.stringify(key)}`, parseStoredGrant);
      grants.push(checkIdentity(grant, (g) => g.residentId === residentId, `grant at ${JSON.stringify(key)}`));
    }
    return grants;
  }

  /** Indexes a new grant under its grantee (the grantee never changes, so once is enough). */
  async indexByGrantee(grant: ConsentGrant): Promise<void> {
    const key = granteeIndexKey(this.stub, grant.grantee, grant.residentId, grant.grantId);
    await this.stub.putState(key, encodeState({ residentId: grant.residentId, grantId: grant.grantId }));
  }

  /** The grants to the whole institution `mspId` and, when `doctorId` is given, to that doctor of it. */
  async listByGrantee(mspId: string, doctorId: string | null): Promise<ConsentGrant[]> {
    const doctors = doctorId === null ? [WHOLE_INSTITUTION] : [doctorId, WHOLE_INSTITUTION];
    const grants: ConsentGrant[] = [];
    for (const doctor of doctors) {
      for await (const { key, value } of this.stub.getStateByPartialCompositeKey(GRANTEE_INDEX_OBJECT_TYPE, [
        mspId,
        doctor,
      ])) {
        const entry = readStored(value, `grantee index entry ${JSON.stringify(key)}`, parseIndexEntry);
        const grant = await this.get(entry.residentId, entry.grantId);
        if (grant === undefined)
          throw chaincodeError(ErrorCode.INTERNAL, `index entry ${JSON.stringify(key)} is dangling`);
        grants.push(grant);
      }
    }
    return grants.sort((a, b) => compareIds(a, b));
  }

  async history(residentId: string, grantId: string): Promise<HistoryEntry<ConsentGrant>[]> {
    const key = grantKey(this.stub, residentId, grantId);
    return storedHistory(this.stub, key, grantLabel(residentId, grantId), parseStoredGrant);
  }
}

/** Nonces of resident-signed operations: each used once per resident, ever. */
export class NonceRepository {
  constructor(private readonly stub: LedgerStub) {}

  /** Records the nonce as used, refusing one used before (a replayed operation). */
  async use(residentId: string, nonce: string, op: SignedOperation, tx: TransactionFacts): Promise<void> {
    const key = nonceKey(this.stub, residentId, nonce);
    const existing = await this.stub.getState(key);
    if (existing !== undefined && existing.length > 0) {
      throw chaincodeError(ErrorCode.NONCE_REUSED, `nonce ${nonce} was already used by resident ${residentId}`);
    }
    await this.stub.putState(key, encodeState({ op, txId: tx.txId, timestamp: tx.timestamp }));
  }
}
