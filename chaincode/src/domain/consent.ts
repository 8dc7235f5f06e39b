/**
 * Consent grants: the resident grants, changes and revokes; the grantee institution ends a
 * referral's grants when the referral closes. Expiry is never written: a grant past notAfter is
 * EXPIRED at any time it is looked at (`effectiveStatus`).
 */
import {
  CONSENT_OPERATIONS,
  GRANT_STATUSES,
  GRANT_TERMS_MEMBERS,
  MspId,
  type ChangePayload,
  type ConsentGrant,
  type ConsentOperation,
  type ConsentOperationRecord,
  type GrantPayload,
  type GrantStatus,
  type RevokePayload,
} from '@hdt/vocabulary';
import { parseGrantTerms } from './consent-inputs';
import { ErrorCode, chaincodeError, invalidArgument } from './errors';
import { expectIsoTimestamp, expectOneOf, expectString, expectText } from './fields';
import type { TxContext } from './invoice';
import { openObject, parseResidentId, parseVersion } from './signed-inputs';

interface SigningFacts {
  readonly keyVersion: number;
  readonly nonce: string;
  readonly signedAt: string;
}

function signedRecord(
  operation: ConsentOperation,
  payload: SigningFacts,
  signature: string,
  tx: TxContext,
): ConsentOperationRecord {
  const { keyVersion, nonce, signedAt } = payload;
  return {
    operation,
    mspId: tx.mspId,
    actor: '',
    timestamp: tx.timestamp,
    txId: tx.txId,
    keyVersion,
    nonce,
    signedAt,
    signature,
  };
}

/** The status at `at`: an ACTIVE grant past its notAfter is EXPIRED. */
export function effectiveStatus(grant: ConsentGrant, at: string): GrantStatus {
  return grant.status === 'ACTIVE' && at >= grant.notAfter ? 'EXPIRED' : grant.status;
}

/** The grant as it stands at `at`. */
export function asOf(grant: ConsentGrant, at: string): ConsentGrant {
  return { ...grant, status: effectiveStatus(grant, at) };
}

function requireFuture(notAfter: string, tx: TxContext, path: string): void {
  if (notAfter <= tx.timestamp) {
    throw invalidArgument(path, `must be after the transaction time ${tx.timestamp}`);
  }
}

/** The grant a signed `consent.grant` payload creates. */
export function buildGrant(payload: GrantPayload, signature: string, tx: TxContext): ConsentGrant {
  const { grant } = payload;
  requireFuture(grant.notAfter, tx, 'payload.grant.notAfter');
  return {
    ...grant,
    residentId: payload.residentId,
    uses: 0,
    status: 'ACTIVE',
    version: 1,
    createdAt: tx.timestamp,
    updatedAt: tx.timestamp,
    lastOperation: signedRecord('GRANT', payload, signature, tx),
  };
}

/** Only an ACTIVE, unexpired grant changes, and only from the version the resident signed against. */
function requireChangeable(grant: ConsentGrant, version: number, tx: TxContext): void {
  const status = effectiveStatus(grant, tx.timestamp);
  if (status !== 'ACTIVE') {
    throw chaincodeError(ErrorCode.CONSENT_NOT_ACTIVE, `grant ${grant.grantId} is ${status}`);
  }
  if (version !== grant.version) {
    throw chaincodeError(
      ErrorCode.GRANT_VERSION_CONFLICT,
      `payload.version is ${version}, but grant ${grant.grantId} is at version ${grant.version}`,
    );
  }
}

function next(grant: ConsentGrant, tx: TxContext, lastOperation: ConsentOperationRecord): ConsentGrant {
  return { ...grant, version: grant.version + 1, updatedAt: tx.timestamp, lastOperation };
}

export function applyChange(
  grant: ConsentGrant,
  payload: ChangePayload,
  signature: string,
  tx: TxContext,
): ConsentGrant {
  requireChangeable(grant, payload.version, tx);
  requireFuture(payload.terms.notAfter, tx, 'payload.terms.notAfter');
  return { ...next(grant, tx, signedRecord('CHANGE', payload, signature, tx)), ...payload.terms };
}

export function applyRevoke(
  grant: ConsentGrant,
  payload: RevokePayload,
  signature: string,
  tx: TxContext,
): ConsentGrant {
  requireChangeable(grant, payload.version, tx);
  return { ...next(grant, tx, signedRecord('REVOKE', payload, signature, tx)), status: 'REVOKED' };
}

/**
 * Whether closing `referralId` by `mspId` ends this grant: an ACTIVE grant naming the referral,
 * granted to that institution (the health commission, which runs the referral platform, may end any).
 */
export function endsWithReferral(grant: ConsentGrant, referralId: string, mspId: string): boolean {
  const entitled = grant.grantee.mspId === mspId || mspId === MspId.HEALTH_COMMISSION;
  return grant.status === 'ACTIVE' && grant.referralId === referralId && entitled;
}

/** The grants to an institution are for that institution to list, and for the health commission. */
export function authoriseGranteeView(callerMspId: string, granteeMspId: string): void {
  if (callerMspId !== granteeMspId && callerMspId !== MspId.HEALTH_COMMISSION) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `only ${granteeMspId} and the health commission list the grants to ${granteeMspId}; the caller is ${callerMspId}`,
    );
  }
}

export function applyEnd(grant: ConsentGrant, actor: string, tx: TxContext): ConsentGrant {
  const record: ConsentOperationRecord = {
    operation: 'END',
    mspId: tx.mspId,
    actor,
    timestamp: tx.timestamp,
    txId: tx.txId,
    keyVersion: 0,
    nonce: '',
    signedAt: '',
    signature: '',
  };
  return { ...next(grant, tx, record), status: 'ENDED' };
}

const RECORD_FIELDS = [
  'operation',
  'mspId',
  'actor',
  'timestamp',
  'txId',
  'keyVersion',
  'nonce',
  'signedAt',
  'signature',
] as const;

function parseOperationRecord(value: unknown): ConsentOperationRecord {
  const field = openObject(value, 'lastOperation', RECORD_FIELDS);
  const keyVersion = field('keyVersion');
  return {
    operation: expectOneOf(field('operation'), 'lastOperation.operation', CONSENT_OPERATIONS),
    mspId: expectText(field('mspId'), 'lastOperation.mspId', 1, 128),
    actor: expectString(field('actor'), 'lastOperation.actor'),
    timestamp: expectIsoTimestamp(field('timestamp'), 'lastOperation.timestamp'),
    txId: expectText(field('txId'), 'lastOperation.txId', 1, 256),
    keyVersion: keyVersion === 0 ? 0 : parseVersion(keyVersion, 'lastOperation.keyVersion'),
    nonce: expectString(field('nonce'), 'lastOperation.nonce'),
    signedAt: expectString(field('signedAt'), 'lastOperation.signedAt'),
    signature: expectString(field('signature'), 'lastOperation.signature'),
  };
}

const STATE_FIELDS = ['residentId', 'uses', 'status', 'version', 'createdAt', 'updatedAt', 'lastOperation'] as const;

function parseUses(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument('uses', 'must be a non-negative integer');
  }
  return value;
}

/** Checks a grant read back from the ledger (failures are reported as INTERNAL by the ledger layer). */
export function parseStoredGrant(value: unknown): ConsentGrant {
  const field = openObject(value, 'grant', [...GRANT_TERMS_MEMBERS, ...STATE_FIELDS]);
  const terms = Object.fromEntries(GRANT_TERMS_MEMBERS.map((key) => [key, field(key)]));
  return {
    ...parseGrantTerms(terms, 'grant'),
    residentId: parseResidentId(field('residentId')),
    uses: parseUses(field('uses')),
    status: expectOneOf(field('status'), 'status', GRANT_STATUSES),
    version: parseVersion(field('version'), 'version'),
    createdAt: expectIsoTimestamp(field('createdAt'), 'createdAt'),
    updatedAt: expectIsoTimestamp(field('updatedAt'), 'updatedAt'),
    lastOperation: parseOperationRecord(field('lastOperation')),
  };
}
