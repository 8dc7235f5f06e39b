/**
 * Whether a grant allows an access: the resident, the grant's status and validity window at the
 * transaction time, the grantee, the purpose, the record and the fields, and the use limit. Pure:
 * the access contract passes the transaction time and records the decision either way.
 */
import {
  ALL_FIELDS,
  type AccessDecision,
  type AccessRefusal,
  type AccessRequest,
  type ConsentGrant,
} from '@hdt/vocabulary';
import { effectiveStatus } from './consent';

/** Status and validity window at `at`. */
function timeRefusal(grant: ConsentGrant, at: string): AccessRefusal | undefined {
  const status = effectiveStatus(grant, at);
  if (status === 'REVOKED') return 'GRANT_REVOKED';
  if (status === 'ENDED') return 'GRANT_ENDED';
  if (status === 'EXPIRED') return 'GRANT_EXPIRED';
  return at < grant.notBefore ? 'GRANT_NOT_YET_VALID' : undefined;
}

/** Who asks, and why. */
function partyRefusal(grant: ConsentGrant, request: AccessRequest): AccessRefusal | undefined {
  const { grantee } = grant;
  if (grantee.mspId !== request.mspId || (grantee.doctorId !== null && grantee.doctorId !== request.userId)) {
    return 'GRANTEE_MISMATCH';
  }
  return grant.purpose === request.purpose ? undefined : 'PURPOSE_MISMATCH';
}

/** Which record. */
function recordRefusal(grant: ConsentGrant, request: AccessRequest): AccessRefusal | undefined {
  const { recordTypes, recordIds } = grant.scope;
  if (!recordTypes.includes(request.recordType)) return 'RECORD_TYPE_OUT_OF_SCOPE';
  return recordIds.length === 0 || recordIds.includes(request.recordId) ? undefined : 'RECORD_OUT_OF_SCOPE';
}

function inScope(grant: ConsentGrant, field: string): boolean {
  const { fields } = grant.scope;
  return fields.includes(ALL_FIELDS) || fields.includes(field);
}

function refuse(grant: ConsentGrant, reason: AccessRefusal): AccessDecision {
  return { allowed: false, grantId: grant.grantId, reason };
}

/**
 * Allowed: the fields asked for that the scope covers, and those withheld. Refused, with the first
 * reason in ACCESS_REFUSALS order, when nothing asked for may be released.
 */
export function checkAccess(grant: ConsentGrant, request: AccessRequest, txTime: string): AccessDecision {
  const reason =
    (grant.residentId === request.residentId ? undefined : 'RESIDENT_MISMATCH') ??
    timeRefusal(grant, txTime) ??
    partyRefusal(grant, request) ??
    recordRefusal(grant, request);
  if (reason !== undefined) return refuse(grant, reason);
  const fields = request.fields.filter((field) => inScope(grant, field));
  if (fields.length === 0) return refuse(grant, 'FIELDS_OUT_OF_SCOPE');
  if (grant.useLimit !== null && grant.uses >= grant.useLimit) return refuse(grant, 'USE_LIMIT_REACHED');
  const withheldFields = request.fields.filter((field) => !inScope(grant, field));
  return { allowed: true, grantId: grant.grantId, fields, withheldFields };
}
