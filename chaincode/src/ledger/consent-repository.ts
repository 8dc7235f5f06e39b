/** Typed access to residents' keys, consent grants and used nonces on the ledger. */
import type { ConsentGrant, HistoryEntry, ResidentKey, SignedOperation } from '@hdt/vocabulary';
import { parseStoredGrant } from '../domain/consent';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { parseStoredResidentKey } from '../domain/resident-keys';
import { GRANT_OBJECT_TYPE, grantKey, nonceKey, residentKeyKey } from './keys';
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
