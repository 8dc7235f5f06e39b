/**
 * The ruling on one access: break-glass for the emergency department, else the named grant
 * (checkAccess), else the general policy that a hospital reads the records it created itself.
 * The two general policies apply as the resident's signed preferences narrowed them
 * (POLICY_NARROWED when nothing asked for is left); a grant is never narrowed by them.
 * Pure: the record, the grant, the preferences and the transaction time come from the contract.
 */
import type {
  AccessBasis,
  AccessOutcomeReason,
  AccessRuling,
  ConsentGrant,
  DecideAccessInput,
  PolicyPreferences,
  RecordIndex,
} from '@hdt/vocabulary';
import { checkAccess } from './access';
import { invalidArgument } from './errors';
import type { TxContext } from './invoice';
import { breakGlassFields, sourceOrgAllows } from './policies';

/** What the contract read from the ledger for the ruling. */
export interface RulingFacts {
  readonly record: RecordIndex;
  /** The record's resident's grant named by the input, when there is one. */
  readonly grant: ConsentGrant | undefined;
  /** The record's resident's preferences (the defaults when none were signed). */
  readonly preferences: PolicyPreferences;
}

type Outcome = Pick<AccessRuling, 'basis' | 'allowed' | 'fields' | 'withheldFields' | 'reason'>;

function allow(basis: AccessBasis, fields: readonly string[], withheldFields: readonly string[] = []): Outcome {
  return { basis, allowed: true, fields, withheldFields, reason: null };
}

function refuse(basis: AccessBasis, reason: AccessOutcomeReason): Outcome {
  return { basis, allowed: false, fields: [], withheldFields: [], reason };
}

function byGrant(input: DecideAccessInput, record: RecordIndex, grant: ConsentGrant | undefined, tx: TxContext) {
  if (grant === undefined) return refuse('GRANT', 'GRANT_NOT_FOUND');
  const request = {
    residentId: record.patientId,
    mspId: tx.mspId,
    userId: input.userId,
    purpose: input.purpose,
    recordType: record.type,
    recordId: record.recordId,
    fields: input.fields,
  };
  const decision = checkAccess(grant, request, tx.timestamp);
  return decision.allowed ? allow('GRANT', decision.fields, decision.withheldFields) : refuse('GRANT', decision.reason);
}

function byBreakGlass(input: DecideAccessInput, facts: RulingFacts): Outcome {
  const { fields, withheldFields } = breakGlassFields(facts.preferences.breakGlass, facts.record, input.fields);
  return fields.length === 0 ? refuse('BREAK_GLASS', 'POLICY_NARROWED') : allow('BREAK_GLASS', fields, withheldFields);
}

function bySourceOrg(input: DecideAccessInput, facts: RulingFacts, tx: TxContext): Outcome {
  if (facts.record.sourceOrg !== tx.mspId) return refuse('NONE', 'NO_GRANT');
  return sourceOrgAllows(facts.preferences.sourceOrg, facts.record, tx.timestamp)
    ? allow('SOURCE_ORG', input.fields)
    : refuse('SOURCE_ORG', 'POLICY_NARROWED');
}

function outcome(input: DecideAccessInput, facts: RulingFacts, tx: TxContext): Outcome {
  if (facts.record.status === 'RETRACTED') return refuse('NONE', 'RECORD_RETRACTED');
  if (input.breakGlassReason !== null) return byBreakGlass(input, facts);
  if (input.grantId !== null) return byGrant(input, facts.record, facts.grant, tx);
  return bySourceOrg(input, facts, tx);
}

export function ruleAccess(input: DecideAccessInput, facts: RulingFacts, tx: TxContext): AccessRuling {
  const { record } = facts;
  if (input.breakGlassReason !== null && input.purpose !== 'EMERGENCY') {
    throw invalidArgument('purpose', 'must be EMERGENCY for a break-glass access');
  }
  return {
    requestId: input.requestId,
    recordId: record.recordId,
    residentId: record.patientId,
    recordType: record.type,
    sourceOrg: record.sourceOrg,
    digest: record.digest,
    mspId: tx.mspId,
    userId: input.userId,
    purpose: input.purpose,
    requestedFields: input.fields,
    grantId: input.grantId,
    breakGlass: input.breakGlassReason !== null,
    breakGlassReason: input.breakGlassReason,
    ...outcome(input, facts, tx),
    txId: tx.txId,
    timestamp: tx.timestamp,
  };
}

/** The grant after an access it allowed: one more use. */
export function countUse(grant: ConsentGrant): ConsentGrant {
  return { ...grant, uses: grant.uses + 1 };
}
