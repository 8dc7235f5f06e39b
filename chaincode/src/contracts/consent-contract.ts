/**
 * Contract `consent`: residents' SM2 keys (register, rotate, recover), their consent grants
 * (grant, change, revoke; ended when the referral closes) and their signed narrowing of the general
 * access policies, with reads and histories.
 * Residents have no Fabric identity: any member's gateway submits for them (the platform's gateway
 * submits as the health commission, see the gateway's consent module), and a signed operation
 * stands only if the resident's SM2 signature over its canonical encoding verifies here, under the
 * current key, within the signing window, with a nonce never used before.
 */
import {
  CONSENT_CONTRACT,
  CONSENT_EVENTS,
  POLICY_EVENTS,
  RESIDENT_KEY_EVENTS,
  type ConsentGrant,
  type ResidentKey,
  type SignedOperation,
} from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import {
  applyChange,
  applyEnd,
  applyRevoke,
  asOf,
  authoriseGranteeView,
  buildGrant,
  endsWithReferral,
} from '../domain/consent';
import {
  parseChangeInputJson,
  parseEndReferralInputJson,
  parseGrantId,
  parseGrantInputJson,
  parseGranteeQuery,
  parseRevokeInputJson,
} from '../domain/consent-inputs';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { consentEvent, residentKeyEvent } from '../domain/events';
import type { TxContext } from '../domain/invoice';
import { authoriseMember } from '../domain/orgs';
import {
  authoriseKeyAuthority,
  parseRecoverKeyInputJson,
  parseRegisterKeyInputJson,
  parseRotateKeyInputJson,
  recoverKey,
  registerKey,
  rotateKey,
} from '../domain/resident-keys';
import { applyPolicies } from '../domain/policies';
import { parseSetPoliciesInputJson } from '../domain/policy-inputs';
import { checkFreshness, checkKeyVersion, checkSignature } from '../domain/resident-signature';
import { parseResidentId } from '../domain/signed-inputs';
import { GrantRepository, NonceRepository, ResidentKeyRepository } from '../ledger/consent-repository';
import { PolicyRepository } from '../ledger/policy-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

interface SignedPayload {
  readonly op: SignedOperation;
  readonly residentId: string;
  readonly nonce: string;
  readonly signedAt: string;
  readonly keyVersion: number;
}

function memberContext(ctx: Context): TxContext {
  return { mspId: authoriseMember(ctx.clientIdentity.getMSPID()), ...currentTransaction(ctx.stub) };
}

function authorityContext(ctx: Context): TxContext {
  const mspId = ctx.clientIdentity.getMSPID();
  authoriseKeyAuthority(mspId);
  return { mspId, ...currentTransaction(ctx.stub) };
}

async function currentKey(keys: ResidentKeyRepository, residentId: string): Promise<ResidentKey> {
  const key = await keys.get(residentId);
  if (key === undefined) {
    throw chaincodeError(ErrorCode.RESIDENT_KEY_UNKNOWN, `resident ${residentId} has no registered key`);
  }
  return key;
}

async function existingGrant(grants: GrantRepository, residentId: string, grantId: string): Promise<ConsentGrant> {
  const grant = await grants.get(residentId, grantId);
  if (grant === undefined) {
    throw chaincodeError(ErrorCode.GRANT_NOT_FOUND, `resident ${residentId} has no grant ${grantId}`);
  }
  return grant;
}

/** The resident's current key signed `payload`, recently, with an unused nonce (which is now used). */
async function authenticate(
  ctx: Context,
  tx: TxContext,
  signed: { readonly payload: SignedPayload; readonly signature: string },
): Promise<ResidentKey> {
  const { payload, signature } = signed;
  const key = await currentKey(new ResidentKeyRepository(ctx.stub), payload.residentId);
  checkKeyVersion(key, payload.keyVersion);
  checkFreshness(payload.signedAt, tx.timestamp);
  checkSignature(payload, signature, key.publicKey);
  await new NonceRepository(ctx.stub).use(payload.residentId, payload.nonce, payload.op, tx);
  return key;
}

/** Stores the grant, emits its event and returns it. */
async function store(ctx: Context, tx: TxContext, operation: 'GRANT' | 'CHANGE' | 'REVOKE', grant: ConsentGrant) {
  await new GrantRepository(ctx.stub).put(grant);
  emitEvent(ctx.stub, CONSENT_EVENTS[operation], consentEvent(operation, tx, [grant]));
  return canonicalJson(grant);
}

async function storeKey(ctx: Context, tx: TxContext, key: ResidentKey): Promise<string> {
  await new ResidentKeyRepository(ctx.stub).put(key);
  const operation = key.lastOperation.operation;
  emitEvent(ctx.stub, RESIDENT_KEY_EVENTS[operation], residentKeyEvent(operation, tx, key));
  return canonicalJson(key);
}

export class ConsentContract extends Contract {
  constructor() {
    super(CONSENT_CONTRACT.name);
  }

  /** An authority registers a resident's first key; the payload is signed by that key. */
  @Transaction()
  @Returns('string')
  async RegisterResidentKey(ctx: Context, input: string): Promise<string> {
    const parsed = parseRegisterKeyInputJson(input);
    const { payload } = parsed;
    const tx = authorityContext(ctx);
    if ((await new ResidentKeyRepository(ctx.stub).get(payload.residentId)) !== undefined) {
      throw chaincodeError(ErrorCode.RESIDENT_KEY_EXISTS, `resident ${payload.residentId} already has a key`);
    }
    checkFreshness(payload.signedAt, tx.timestamp);
    checkSignature(payload, parsed.signature, payload.publicKey);
    await new NonceRepository(ctx.stub).use(payload.residentId, payload.nonce, payload.op, tx);
    return storeKey(ctx, tx, registerKey(parsed, tx));
  }

  /** The resident replaces the key: signed by the current key and by the new one. */
  @Transaction()
  @Returns('string')
  async RotateResidentKey(ctx: Context, input: string): Promise<string> {
    const parsed = parseRotateKeyInputJson(input);
    const tx = memberContext(ctx);
    const key = await authenticate(ctx, tx, parsed);
    checkSignature(parsed.payload, parsed.newKeySignature, parsed.payload.newPublicKey, 'newKeySignature');
    return storeKey(ctx, tx, rotateKey(key, parsed, tx));
  }

  /** An authority replaces a lost key, with a reason; the payload is signed by the new key. */
  @Transaction()
  @Returns('string')
  async RecoverResidentKey(ctx: Context, input: string): Promise<string> {
    const parsed = parseRecoverKeyInputJson(input);
    const { payload } = parsed;
    const tx = authorityContext(ctx);
    const key = await currentKey(new ResidentKeyRepository(ctx.stub), payload.residentId);
    checkKeyVersion(key, payload.keyVersion);
    checkFreshness(payload.signedAt, tx.timestamp);
    checkSignature(payload, parsed.signature, payload.newPublicKey);
    await new NonceRepository(ctx.stub).use(payload.residentId, payload.nonce, payload.op, tx);
    return storeKey(ctx, tx, recoverKey(key, parsed, tx));
  }

  @Transaction(false)
  @Returns('string')
  async ReadResidentKey(ctx: Context, residentId: string): Promise<string> {
    const id = parseResidentId(residentId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await currentKey(new ResidentKeyRepository(ctx.stub), id));
  }

  /** Every version of the resident's key, oldest first; each says which operation made it. */
  @Transaction(false)
  @Returns('string')
  async ResidentKeyHistory(ctx: Context, residentId: string): Promise<string> {
    const id = parseResidentId(residentId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const entries = await new ResidentKeyRepository(ctx.stub).history(id);
    if (entries.length === 0) {
      throw chaincodeError(ErrorCode.RESIDENT_KEY_UNKNOWN, `resident ${id} has no registered key`);
    }
    return canonicalJson(entries);
  }

  /** The resident grants access; the grant id must be new for this resident. */
  @Transaction()
  @Returns('string')
  async Grant(ctx: Context, input: string): Promise<string> {
    const parsed = parseGrantInputJson(input);
    const { payload } = parsed;
    const tx = memberContext(ctx);
    await authenticate(ctx, tx, parsed);
    if ((await new GrantRepository(ctx.stub).get(payload.residentId, payload.grant.grantId)) !== undefined) {
      throw chaincodeError(
        ErrorCode.GRANT_EXISTS,
        `resident ${payload.residentId} already has grant ${payload.grant.grantId}`,
      );
    }
    const grant = buildGrant(payload, parsed.signature, tx);
    await new GrantRepository(ctx.stub).indexByGrantee(grant);
    return store(ctx, tx, 'GRANT', grant);
  }

  /** The resident adjusts scope, validity window or use limit of an active grant. */
  @Transaction()
  @Returns('string')
  async Change(ctx: Context, input: string): Promise<string> {
    const parsed = parseChangeInputJson(input);
    const { payload } = parsed;
    const tx = memberContext(ctx);
    await authenticate(ctx, tx, parsed);
    const grant = await existingGrant(new GrantRepository(ctx.stub), payload.residentId, payload.grantId);
    return store(ctx, tx, 'CHANGE', applyChange(grant, payload, parsed.signature, tx));
  }

  /** The resident revokes an active grant. */
  @Transaction()
  @Returns('string')
  async Revoke(ctx: Context, input: string): Promise<string> {
    const parsed = parseRevokeInputJson(input);
    const { payload } = parsed;
    const tx = memberContext(ctx);
    await authenticate(ctx, tx, parsed);
    const grant = await existingGrant(new GrantRepository(ctx.stub), payload.residentId, payload.grantId);
    return store(ctx, tx, 'REVOKE', applyRevoke(grant, payload, parsed.signature, tx));
  }

  /** The referral closed: the resident's active grants for it to the caller's institution end. */
  @Transaction()
  @Returns('string')
  async EndReferral(ctx: Context, input: string): Promise<string> {
    const parsed = parseEndReferralInputJson(input);
    const tx = memberContext(ctx);
    const grants = new GrantRepository(ctx.stub);
    const ending = (await grants.listByResident(parsed.residentId)).filter((grant) =>
      endsWithReferral(grant, parsed.referralId, tx.mspId),
    );
    const ended = ending.map((grant) => applyEnd(grant, parsed.actor, tx));
    for (const grant of ended) await grants.put(grant);
    if (ended.length > 0) emitEvent(ctx.stub, CONSENT_EVENTS.END, consentEvent('END', tx, ended));
    return canonicalJson(ended);
  }

  /** The grant with its status at the query's time. */
  @Transaction(false)
  @Returns('string')
  async ReadGrant(ctx: Context, residentId: string, grantId: string): Promise<string> {
    const resident = parseResidentId(residentId);
    const id = parseGrantId(grantId);
    const tx = memberContext(ctx);
    return canonicalJson(asOf(await existingGrant(new GrantRepository(ctx.stub), resident, id), tx.timestamp));
  }

  /** The resident's grants by grant id, statuses at the query's time. */
  @Transaction(false)
  @Returns('string')
  async ListGrantsByResident(ctx: Context, residentId: string): Promise<string> {
    const resident = parseResidentId(residentId);
    const tx = memberContext(ctx);
    const grants = await new GrantRepository(ctx.stub).listByResident(resident);
    return canonicalJson(grants.map((grant) => asOf(grant, tx.timestamp)));
  }

  /** Grants to the institution (and to the doctor, unless ""), statuses at the query's time. */
  @Transaction(false)
  @Returns('string')
  async ListGrantsByGrantee(ctx: Context, mspId: string, doctorId: string): Promise<string> {
    const grantee = parseGranteeQuery(mspId, doctorId);
    const tx = memberContext(ctx);
    authoriseGranteeView(tx.mspId, grantee.mspId);
    const grants = await new GrantRepository(ctx.stub).listByGrantee(grantee.mspId, grantee.doctorId);
    return canonicalJson(grants.map((grant) => asOf(grant, tx.timestamp)));
  }

  /** Every version of the grant as stored, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GrantHistory(ctx: Context, residentId: string, grantId: string): Promise<string> {
    const resident = parseResidentId(residentId);
    const id = parseGrantId(grantId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const entries = await new GrantRepository(ctx.stub).history(resident, id);
    if (entries.length === 0) {
      throw chaincodeError(ErrorCode.GRANT_NOT_FOUND, `resident ${resident} has no grant ${id}`);
    }
    return canonicalJson(entries);
  }

  /** The resident replaces their policy preferences (only ever narrowing the general policies). */
  @Transaction()
  @Returns('string')
  async SetPolicyPreferences(ctx: Context, input: string): Promise<string> {
    const parsed = parseSetPoliciesInputJson(input);
    const tx = memberContext(ctx);
    await authenticate(ctx, tx, parsed);
    const policies = new PolicyRepository(ctx.stub);
    const next = applyPolicies(await policies.get(parsed.payload.residentId), parsed.payload, parsed.signature, tx);
    await policies.put(next);
    emitEvent(ctx.stub, POLICY_EVENTS.SET, { txId: tx.txId, timestamp: tx.timestamp, preferences: next });
    return canonicalJson(next);
  }

  /** The resident's current preferences; the defaults at version 0 when none were signed. */
  @Transaction(false)
  @Returns('string')
  async ReadPolicyPreferences(ctx: Context, residentId: string): Promise<string> {
    const id = parseResidentId(residentId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await new PolicyRepository(ctx.stub).get(id));
  }

  /** Every signed version of the resident's preferences, oldest first (empty: the defaults apply). */
  @Transaction(false)
  @Returns('string')
  async PolicyPreferencesHistory(ctx: Context, residentId: string): Promise<string> {
    const id = parseResidentId(residentId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await new PolicyRepository(ctx.stub).history(id));
  }
}
