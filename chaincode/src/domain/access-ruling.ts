/**
 * The ruling on one access: break-glass for the emergency department, else the named grant
 * (checkAccess), else the general policy that a hospital reads the records it created itself.
 * Pure: the record, the grant and the transaction time come from the contract.
 */
import type {
  AccessBasis,
  AccessOutcomeReason,
  AccessRuling,
  ConsentGrant,
  DecideAccessInput,
  RecordIndex,
} from '@hdt/vocabulary';
import { checkAccess } from './access';
import { invalidArgument } from './errors';
import type { TxContext } from './invoice';

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

function outcome(input: DecideAccessInput, record: RecordIndex, grant: ConsentGrant | undefined, tx: TxContext) {
  if (record.status === 'RETRACTED') return refuse('NONE', 'RECORD_RETRACTED');
  if (input.breakGlassReason !== null) return allow('BREAK_GLASS', input.fields);
  if (input.grantId !== null) return byGrant(input, record, grant, tx);
  return record.sourceOrg === tx.mspId ? allow('SOURCE_ORG', input.fields) : refuse('NONE', 'NO_GRANT');
}

/** `grant`: the record's resident's grant named by `input.grantId`, when there is one. */
export function ruleAccess(
  input: DecideAccessInput,
  record: RecordIndex,
  grant: ConsentGrant | undefined,
  tx: TxContext,
): AccessRuling {
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
    ...outcome(input, record, grant, tx),
    txId: tx.txId,
    timestamp: tx.timestamp,
  };
}

/** The grant after an access it allowed: one more use. */
export function countUse(grant: ConsentGrant): ConsentGrant {
  return { ...grant, uses: grant.uses + 1 };
}
