/**
 * Typed client of the `consent` contract: the only code knowing its transaction names and how
 * their arguments are encoded (one canonical JSON argument for the signed operations). Chaincode
 * refusals arrive as AppErrors carrying the chaincode's code (see fabric/errors.ts).
 */
import { canonicalJson, CONSENT_CONTRACT } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import { settled, type Committed, type LedgerClient } from '../../fabric/ledger-client';
import { residentPoliciesSchema, type ResidentPoliciesView } from './policy-schemas';
import {
  consentGrantSchema,
  residentKeySchema,
  type ChangeBody,
  type ConsentGrantView,
  type GrantBody,
  type RecoverKeyBody,
  type PoliciesBody,
  type RegisterKeyBody,
  type ResidentKeyView,
  type RevokeBody,
  type RotateKeyBody,
} from './schemas';

type ConsentTransaction = keyof typeof CONSENT_CONTRACT.transactions;

function call(transaction: ConsentTransaction, args: readonly string[]) {
  return { contract: CONSENT_CONTRACT.name, transaction, args };
}

/** The registration names the authority's acting user. */
export interface RegisterKeyInput extends RegisterKeyBody {
  actor: string;
}

/** The recovery names the authority's acting user, who checked the resident's identity. */
export interface RecoverKeyInput extends RecoverKeyBody {
  actor: string;
}

/**
 * Submissions name the organisation whose identity submits; reads the organisation that asks.
 * Every submission is answered once all organisations' peers have committed it (`settled`).
 */
export interface ConsentLedger {
  registerKey(mspId: string, input: RegisterKeyInput): Promise<Committed<ResidentKeyView>>;
  rotateKey(mspId: string, input: RotateKeyBody): Promise<Committed<ResidentKeyView>>;
  /** Replaces a lost key; `mspId` must be an authority's (the chaincode checks it). */
  recoverKey(mspId: string, input: RecoverKeyInput): Promise<Committed<ResidentKeyView>>;
  /** The resident's current key, or undefined when none is registered. */
  readKey(mspId: string, residentId: string): Promise<ResidentKeyView | undefined>;
  grant(mspId: string, input: GrantBody): Promise<Committed<ConsentGrantView>>;
  change(mspId: string, input: ChangeBody): Promise<Committed<ConsentGrantView>>;
  revoke(mspId: string, input: RevokeBody): Promise<Committed<ConsentGrantView>>;
  /** GRANT_NOT_FOUND when the resident has no such grant. */
  readGrant(mspId: string, residentId: string, grantId: string): Promise<ConsentGrantView>;
  listByResident(mspId: string, residentId: string): Promise<ConsentGrantView[]>;
  /** Grants to the institution `grantee` as a whole and to its doctor `doctorId`. */
  listByGrantee(mspId: string, grantee: string, doctorId: string): Promise<ConsentGrantView[]>;
  /** The resident's policy preferences; the defaults at version 0 when none were signed. */
  readPolicies(mspId: string, residentId: string): Promise<ResidentPoliciesView>;
  setPolicies(mspId: string, input: PoliciesBody): Promise<Committed<ResidentPoliciesView>>;
}

export class FabricConsentLedger implements ConsentLedger {
  constructor(private readonly ledger: LedgerClient) {}

  registerKey(mspId: string, input: RegisterKeyInput): Promise<Committed<ResidentKeyView>> {
    return this.submitKey(mspId, 'RegisterResidentKey', input, input.payload.residentId);
  }

  rotateKey(mspId: string, input: RotateKeyBody): Promise<Committed<ResidentKeyView>> {
    return this.submitKey(mspId, 'RotateResidentKey', input, input.payload.residentId);
  }

  recoverKey(mspId: string, input: RecoverKeyInput): Promise<Committed<ResidentKeyView>> {
    return this.submitKey(mspId, 'RecoverResidentKey', input, input.payload.residentId);
  }

  async readKey(mspId: string, residentId: string): Promise<ResidentKeyView | undefined> {
    try {
      return await this.ledger.evaluate(mspId, call('ReadResidentKey', [residentId]), residentKeySchema);
    } catch (err) {
      if (err instanceof AppError && err.code === 'RESIDENT_KEY_UNKNOWN') return undefined;
      throw err;
    }
  }

  grant(mspId: string, input: GrantBody): Promise<Committed<ConsentGrantView>> {
    return this.submitGrant(mspId, 'Grant', input, input.payload.grant.grantId);
  }

  change(mspId: string, input: ChangeBody): Promise<Committed<ConsentGrantView>> {
    return this.submitGrant(mspId, 'Change', input, input.payload.grantId);
  }

  revoke(mspId: string, input: RevokeBody): Promise<Committed<ConsentGrantView>> {
    return this.submitGrant(mspId, 'Revoke', input, input.payload.grantId);
  }

  readGrant(mspId: string, residentId: string, grantId: string): Promise<ConsentGrantView> {
    return this.ledger.evaluate(mspId, call('ReadGrant', [residentId, grantId]), consentGrantSchema);
  }

  listByResident(mspId: string, residentId: string): Promise<ConsentGrantView[]> {
    return this.ledger.evaluate(mspId, call('ListGrantsByResident', [residentId]), z.array(consentGrantSchema));
  }

  listByGrantee(mspId: string, grantee: string, doctorId: string): Promise<ConsentGrantView[]> {
    const transaction = call('ListGrantsByGrantee', [grantee, doctorId]);
    return this.ledger.evaluate(mspId, transaction, z.array(consentGrantSchema));
  }

  readPolicies(mspId: string, residentId: string): Promise<ResidentPoliciesView> {
    return this.ledger.evaluate(mspId, call('ReadPolicyPreferences', [residentId]), residentPoliciesSchema);
  }

  /** A retried submission whose first attempt landed made the preferences' current version. */
  setPolicies(mspId: string, input: PoliciesBody): Promise<Committed<ResidentPoliciesView>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const current = await this.readPolicies(caller, input.payload.residentId);
      const txId = current.lastOperation?.txId;
      return txId !== undefined && txIds.includes(txId) ? { result: current, txId } : undefined;
    };
    const transaction = call('SetPolicyPreferences', [canonicalJson(input)]);
    return settled(this.ledger, this.ledger.submit(mspId, transaction, residentPoliciesSchema, landed));
  }

  /** A retried submission whose first attempt landed made the key's current version. */
  private submitKey(
    mspId: string,
    transaction: ConsentTransaction,
    input: object,
    residentId: string,
  ): Promise<Committed<ResidentKeyView>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const key = await this.readKey(caller, residentId);
      const txId = key?.lastOperation.txId;
      return key !== undefined && txId !== undefined && txIds.includes(txId) ? { result: key, txId } : undefined;
    };
    const submission = this.ledger.submit(mspId, call(transaction, [canonicalJson(input)]), residentKeySchema, landed);
    return settled(this.ledger, submission);
  }

  /** A retried submission whose first attempt landed made the grant's current version. */
  private submitGrant(
    mspId: string,
    transaction: ConsentTransaction,
    input: GrantBody | ChangeBody | RevokeBody,
    grantId: string,
  ): Promise<Committed<ConsentGrantView>> {
    const { residentId } = input.payload;
    const landed = async (caller: string, txIds: readonly string[]) => {
      const grant = await this.readGrant(caller, residentId, grantId);
      const txId = grant.lastOperation.txId;
      return txIds.includes(txId) ? { result: grant, txId } : undefined;
    };
    const submission = this.ledger.submit(mspId, call(transaction, [canonicalJson(input)]), consentGrantSchema, landed);
    return settled(this.ledger, submission);
  }
}
