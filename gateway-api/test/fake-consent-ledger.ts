/**
 * An in-memory ConsentLedger for unit tests of the consent service and routes: keys and grants
 * by resident, versions, and the chaincode's state refusals with their codes. It trusts every
 * signature except the one in `FORGED` (the chaincode's verification is tested in the chaincode).
 */
import { AppError } from '../src/errors';
import type { Committed } from '../src/fabric/ledger-client';
import { DEFAULT_POLICY_PREFERENCES } from '@hdt/vocabulary';
import type { ConsentLedger, RecoverKeyInput, RegisterKeyInput } from '../src/modules/consent/ledger';
import type { ResidentPoliciesView } from '../src/modules/consent/policy-schemas';
import type {
  ChangeBody,
  ConsentGrantView,
  GrantBody,
  PoliciesBody,
  ResidentKeyView,
  RevokeBody,
  RotateKeyBody,
} from '../src/modules/consent/schemas';

/** A well-formed DER signature the fake refuses as SIGNATURE_INVALID. */
export const FORGED = `3044${'0220'}${'11'.repeat(32)}${'0220'}${'22'.repeat(32)}`;

const NOW = '2026-03-01T08:00:00.000Z';

export class FakeConsentLedger implements ConsentLedger {
  readonly keys = new Map<string, ResidentKeyView>();
  readonly grants = new Map<string, ConsentGrantView>();
  readonly policies = new Map<string, ResidentPoliciesView>();
  /** Every call, as `transaction mspId`. */
  readonly calls: string[] = [];
  private tx = 0;

  private nextTx(): string {
    this.tx += 1;
    return `tx-${this.tx}`;
  }

  private check(signature: string): void {
    if (signature === FORGED) throw new AppError('SIGNATURE_INVALID', 'signature is not valid');
  }

  private keyOf(residentId: string, keyVersion: number): ResidentKeyView {
    const key = this.keys.get(residentId);
    if (key === undefined) throw new AppError('RESIDENT_KEY_UNKNOWN', `resident ${residentId} has no registered key`);
    if (key.keyVersion !== keyVersion) throw new AppError('RESIDENT_KEY_SUPERSEDED', 'payload.keyVersion is stale');
    return key;
  }

  private putKey(
    residentId: string,
    publicKey: string,
    operation: ResidentKeyView['lastOperation']['operation'],
    mspId: string,
    facts: { actor?: string; reason?: string } = {},
  ) {
    const { actor = '', reason = '' } = facts;
    const txId = this.nextTx();
    const old = this.keys.get(residentId);
    const key: ResidentKeyView = {
      residentId,
      publicKey,
      keyVersion: (old?.keyVersion ?? 0) + 1,
      registeredAt: old?.registeredAt ?? NOW,
      updatedAt: NOW,
      lastOperation: { operation, mspId, actor, timestamp: NOW, txId, nonce: '', reason },
    };
    this.keys.set(residentId, key);
    return Promise.resolve({ result: key, txId });
  }

  registerKey(mspId: string, input: RegisterKeyInput): Promise<Committed<ResidentKeyView>> {
    this.calls.push(`RegisterResidentKey ${mspId}`);
    this.check(input.signature);
    const { residentId, publicKey } = input.payload;
    if (this.keys.has(residentId)) throw new AppError('RESIDENT_KEY_EXISTS', 'already registered');
    return this.putKey(residentId, publicKey, 'REGISTER', mspId, { actor: input.actor });
  }

  rotateKey(mspId: string, input: RotateKeyBody): Promise<Committed<ResidentKeyView>> {
    this.calls.push(`RotateResidentKey ${mspId}`);
    this.check(input.signature);
    this.keyOf(input.payload.residentId, input.payload.keyVersion);
    return this.putKey(input.payload.residentId, input.payload.newPublicKey, 'ROTATE', mspId);
  }

  recoverKey(mspId: string, input: RecoverKeyInput): Promise<Committed<ResidentKeyView>> {
    this.calls.push(`RecoverResidentKey ${mspId}`);
    this.check(input.signature);
    const { residentId, keyVersion, newPublicKey } = input.payload;
    if (this.keyOf(residentId, keyVersion).publicKey === newPublicKey) {
      throw new AppError('INVALID_ARGUMENT', 'payload.newPublicKey: must differ from the current key');
    }
    return this.putKey(residentId, newPublicKey, 'RECOVER', mspId, { actor: input.actor, reason: input.reason });
  }

  readKey(mspId: string, residentId: string): Promise<ResidentKeyView | undefined> {
    this.calls.push(`ReadResidentKey ${mspId}`);
    return Promise.resolve(this.keys.get(residentId));
  }

  private store(grant: ConsentGrantView): Committed<ConsentGrantView> {
    this.grants.set(`${grant.residentId}/${grant.grantId}`, grant);
    return { result: grant, txId: grant.lastOperation.txId };
  }

  private operation(
    operation: 'GRANT' | 'CHANGE' | 'REVOKE',
    mspId: string,
    facts: { keyVersion: number; nonce: string; signedAt: string },
  ) {
    const { keyVersion, nonce, signedAt } = facts;
    const txId = this.nextTx();
    return { operation, mspId, actor: '', timestamp: NOW, txId, keyVersion, nonce, signedAt, signature: 'sig' };
  }

  grant(mspId: string, input: GrantBody): Promise<Committed<ConsentGrantView>> {
    this.calls.push(`Grant ${mspId}`);
    this.check(input.signature);
    const { payload } = input;
    this.keyOf(payload.residentId, payload.keyVersion);
    if (this.grants.has(`${payload.residentId}/${payload.grant.grantId}`)) {
      throw new AppError('GRANT_EXISTS', 'grant exists');
    }
    const lastOperation = this.operation('GRANT', mspId, payload);
    const base = { residentId: payload.residentId, uses: 0, status: 'ACTIVE' as const, version: 1 };
    return Promise.resolve(this.store({ ...payload.grant, ...base, createdAt: NOW, updatedAt: NOW, lastOperation }));
  }

  private existing(input: ChangeBody | RevokeBody): ConsentGrantView {
    this.check(input.signature);
    const { payload } = input;
    this.keyOf(payload.residentId, payload.keyVersion);
    const grant = this.grants.get(`${payload.residentId}/${payload.grantId}`);
    if (grant === undefined) throw new AppError('GRANT_NOT_FOUND', `no grant ${payload.grantId}`);
    if (grant.status !== 'ACTIVE') throw new AppError('CONSENT_NOT_ACTIVE', `grant is ${grant.status}`);
    if (grant.version !== payload.version) throw new AppError('GRANT_VERSION_CONFLICT', 'version conflict');
    return grant;
  }

  change(mspId: string, input: ChangeBody): Promise<Committed<ConsentGrantView>> {
    this.calls.push(`Change ${mspId}`);
    const grant = this.existing(input);
    const lastOperation = this.operation('CHANGE', mspId, input.payload);
    return Promise.resolve(this.store({ ...grant, ...input.payload.terms, version: grant.version + 1, lastOperation }));
  }

  revoke(mspId: string, input: RevokeBody): Promise<Committed<ConsentGrantView>> {
    this.calls.push(`Revoke ${mspId}`);
    const grant = this.existing(input);
    const lastOperation = this.operation('REVOKE', mspId, input.payload);
    return Promise.resolve(this.store({ ...grant, status: 'REVOKED', version: grant.version + 1, lastOperation }));
  }

  readGrant(mspId: string, residentId: string, grantId: string): Promise<ConsentGrantView> {
    this.calls.push(`ReadGrant ${mspId}`);
    const grant = this.grants.get(`${residentId}/${grantId}`);
    if (grant === undefined) return Promise.reject(new AppError('GRANT_NOT_FOUND', `no grant ${grantId}`));
    return Promise.resolve(grant);
  }

  listByResident(mspId: string, residentId: string): Promise<ConsentGrantView[]> {
    this.calls.push(`ListGrantsByResident ${mspId}`);
    return Promise.resolve([...this.grants.values()].filter((g) => g.residentId === residentId));
  }

  listByGrantee(mspId: string, grantee: string, doctorId: string): Promise<ConsentGrantView[]> {
    this.calls.push(`ListGrantsByGrantee ${mspId}`);
    if (mspId !== grantee) return Promise.reject(new AppError('FORBIDDEN', 'not your institution'));
    const names = (g: ConsentGrantView) => g.grantee.doctorId === null || g.grantee.doctorId === doctorId;
    return Promise.resolve([...this.grants.values()].filter((g) => g.grantee.mspId === grantee && names(g)));
  }

  readPolicies(mspId: string, residentId: string): Promise<ResidentPoliciesView> {
    this.calls.push(`ReadPolicyPreferences ${mspId}`);
    const defaults = { residentId, version: 0, updatedAt: null, lastOperation: null };
    const { sourceOrg, breakGlass } = DEFAULT_POLICY_PREFERENCES;
    const preferences = {
      sourceOrg: { ...sourceOrg, excludedRecordTypes: [...sourceOrg.excludedRecordTypes], excludedOrgs: [] },
      breakGlass: { recordTypes: [...breakGlass.recordTypes], fields: [...breakGlass.fields] },
    };
    return Promise.resolve(this.policies.get(residentId) ?? { ...defaults, preferences });
  }

  async setPolicies(mspId: string, input: PoliciesBody): Promise<Committed<ResidentPoliciesView>> {
    this.calls.push(`SetPolicyPreferences ${mspId}`);
    this.check(input.signature);
    const { payload } = input;
    this.keyOf(payload.residentId, payload.keyVersion);
    const current = await this.readPolicies(mspId, payload.residentId);
    if (current.version !== payload.version) throw new AppError('POLICY_VERSION_CONFLICT', 'version conflict');
    const { keyVersion, nonce, signedAt } = payload;
    const txId = this.nextTx();
    const lastOperation = { mspId, timestamp: NOW, txId, keyVersion, nonce, signedAt, signature: input.signature };
    const stored = { ...current, preferences: payload.preferences, version: current.version + 1, updatedAt: NOW };
    this.policies.set(payload.residentId, { ...stored, lastOperation });
    return { result: { ...stored, lastOperation }, txId };
  }
}
