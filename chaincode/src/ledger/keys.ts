/** Composite key builders: one object type per kind of state. */
import type { InvoiceId } from '../domain/invoice';
import type { LedgerStub } from './stub';

export const INVOICE_OBJECT_TYPE = 'invoice';

/** `invoice` [code, number] */
export function invoiceKey(stub: Pick<LedgerStub, 'createCompositeKey'>, id: InvoiceId): string {
  return stub.createCompositeKey(INVOICE_OBJECT_TYPE, [id.code, id.number]);
}

export const ORG_OBJECT_TYPE = 'org';

/** `org` [mspId]: the registry profile of a member. */
export function orgKey(stub: Pick<LedgerStub, 'createCompositeKey'>, mspId: string): string {
  return stub.createCompositeKey(ORG_OBJECT_TYPE, [mspId]);
}

export const RESIDENT_KEY_OBJECT_TYPE = 'resident-key';

/** `resident-key` [residentId]: the resident's current SM2 key; its history holds every version. */
export function residentKeyKey(stub: Pick<LedgerStub, 'createCompositeKey'>, residentId: string): string {
  return stub.createCompositeKey(RESIDENT_KEY_OBJECT_TYPE, [residentId]);
}

export const GRANT_OBJECT_TYPE = 'consent-grant';

/** `consent-grant` [residentId, grantId]: one key per grant, listed by the partial key [residentId]. */
export function grantKey(stub: Pick<LedgerStub, 'createCompositeKey'>, residentId: string, grantId: string): string {
  return stub.createCompositeKey(GRANT_OBJECT_TYPE, [residentId, grantId]);
}

export const NONCE_OBJECT_TYPE = 'consent-nonce';

/** `consent-nonce` [residentId, nonce]: written once when a signed operation uses the nonce. */
export function nonceKey(stub: Pick<LedgerStub, 'createCompositeKey'>, residentId: string, nonce: string): string {
  return stub.createCompositeKey(NONCE_OBJECT_TYPE, [residentId, nonce]);
}

export const GRANTEE_INDEX_OBJECT_TYPE = 'consent-grantee';

/** The grantee index's `doctorId` attribute of a grant to a whole institution (no user id starts with it). */
export const WHOLE_INSTITUTION = '*';

/**
 * `consent-grantee` [mspId, doctorId or WHOLE_INSTITUTION, residentId, grantId]: written once when
 * the grant is made (a grant's grantee never changes), listed by the partial key [mspId, doctorId].
 */
export function granteeIndexKey(
  stub: Pick<LedgerStub, 'createCompositeKey'>,
  grantee: { readonly mspId: string; readonly doctorId: string | null },
  residentId: string,
  grantId: string,
): string {
  const doctor = grantee.doctorId ?? WHOLE_INSTITUTION;
  return stub.createCompositeKey(GRANTEE_INDEX_OBJECT_TYPE, [grantee.mspId, doctor, residentId, grantId]);
}

export const RECORD_OBJECT_TYPE = 'health-record';

/** `health-record` [recordId]: a record's index; its history holds every version. */
export function recordKey(stub: Pick<LedgerStub, 'createCompositeKey'>, recordId: string): string {
  return stub.createCompositeKey(RECORD_OBJECT_TYPE, [recordId]);
}

export const RECORD_BATCH_OBJECT_TYPE = 'record-batch';

/** `record-batch` [batchId]: written once by the RegisterBatch transaction that made the batch. */
export function recordBatchKey(stub: Pick<LedgerStub, 'createCompositeKey'>, batchId: string): string {
  return stub.createCompositeKey(RECORD_BATCH_OBJECT_TYPE, [batchId]);
}

export const ACCESS_DECISION_OBJECT_TYPE = 'access-decision';

/** `access-decision` [requestId]: the ledger's ruling on one access, written once. */
export function accessDecisionKey(stub: Pick<LedgerStub, 'createCompositeKey'>, requestId: string): string {
  return stub.createCompositeKey(ACCESS_DECISION_OBJECT_TYPE, [requestId]);
}

export const ACCESS_ANCHOR_OBJECT_TYPE = 'access-anchor';

/** `access-anchor` [anchorId]: one anchor of the off-chain access log, written once. */
export function accessAnchorKey(stub: Pick<LedgerStub, 'createCompositeKey'>, anchorId: string): string {
  return stub.createCompositeKey(ACCESS_ANCHOR_OBJECT_TYPE, [anchorId]);
}

export const EMPI_AUDIT_HEAD_OBJECT_TYPE = 'empi-audit-head';

/** `empi-audit-head`: the newest anchored entry of the EMPI audit trail (earlier heads in its history). */
export function empiAuditHeadKey(stub: Pick<LedgerStub, 'createCompositeKey'>): string {
  return stub.createCompositeKey(EMPI_AUDIT_HEAD_OBJECT_TYPE, []);
}

export const POLICY_PREFERENCES_OBJECT_TYPE = 'policy-preferences';

/** `policy-preferences` [residentId]: the resident's current signed preferences; its history holds every version. */
export function policyPreferencesKey(stub: Pick<LedgerStub, 'createCompositeKey'>, residentId: string): string {
  return stub.createCompositeKey(POLICY_PREFERENCES_OBJECT_TYPE, [residentId]);
}
