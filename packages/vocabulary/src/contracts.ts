/**
 * The contracts' names and transactions, with the argument and result types each transaction
 * has. The chaincode registers these names; the gateway's ledger clients call them. A
 * transaction is either submitted (ordered, changes the ledger) or evaluated (a query).
 */
import type { AccessAnchor, AccessCheck, AccessRuling } from './access';
import type { ConsentGrant, HistoryEntry, ResidentKey } from './consent';
import type { ImportBatchResult, Invoice, InvoiceHistoryEntry, IssueInvoiceInput, VerificationResult } from './invoice';
import type { EmpiAuditAnchor, RecordBatch, RecordIndex, RegisterBatchResult } from './health-records';
import type { ResidentPolicyPreferences } from './policies';
import type { OrgProfile } from './registry';

export type TransactionKind = 'submit' | 'evaluate';

export interface TransactionSpec<Args extends readonly string[], Result> {
  readonly kind: TransactionKind;
  /** Names of the string arguments, in order (documentation and error messages). */
  readonly args: Args;
  /** Phantom: the parsed result type. */
  readonly result?: Result;
}

function tx<const Args extends readonly string[], Result>(
  kind: TransactionKind,
  args: Args,
): TransactionSpec<Args, Result> {
  return { kind, args };
}

export const INVOICE_CONTRACT = {
  name: 'invoice',
  transactions: {
    /** `input`: canonical JSON of IssueInvoiceInput. */
    Issue: tx<['input'], Invoice>('submit', ['input']),
    /** UpdateInvoiceInput: the issuer corrects the content before any lock or claim. */
    Update: tx<['input'], Invoice>('submit', ['input']),
    /** LockInvoiceInput: a reimburser holds an amount for a claim. */
    Lock: tx<['input'], Invoice>('submit', ['input']),
    /** ReimburseInvoiceInput: the lock holder pays out up to the locked amount. */
    Reimburse: tx<['input'], Invoice>('submit', ['input']),
    /** UnlockInvoiceInput: the lock holder releases its lock (claim refused). */
    Unlock: tx<['input'], Invoice>('submit', ['input']),
    /** RedFlushInvoiceInput: the issuer cancels with a linked red invoice; returns [original, red]. */
    RedFlush: tx<['input'], Invoice[]>('submit', ['input']),
    /** CloseInvoiceInput: the issuer voids an unclaimed invoice. */
    Void: tx<['input'], Invoice>('submit', ['input']),
    /** CloseInvoiceInput: a payer that reimbursed closes the invoice for good. */
    WriteOff: tx<['input'], Invoice>('submit', ['input']),
    Read: tx<['code', 'number'], Invoice>('evaluate', ['code', 'number']),
    /** `pdfDigest` and `dataDigest` are "" when the verifier has none. */
    Verify: tx<['code', 'number', 'checkCodeHash', 'pdfDigest', 'dataDigest'], VerificationResult>('evaluate', [
      'code',
      'number',
      'checkCodeHash',
      'pdfDigest',
      'dataDigest',
    ]),
    History: tx<['code', 'number'], InvoiceHistoryEntry[]>('evaluate', ['code', 'number']),
    /** ImportBatchInput: a hospital imports up to IMPORT_BATCH_MAX historic invoices, all or none. */
    ImportBatch: tx<['input'], ImportBatchResult>('submit', ['input']),
    /** `ids`: JSON array of up to IMPORT_BATCH_MAX {code, number}; answers each invoice or null, in order. */
    ReadBatch: tx<['ids'], (Invoice | null)[]>('evaluate', ['ids']),
  },
} as const;

export const REGISTRY_CONTRACT = {
  name: 'registry',
  transactions: {
    /** SetOrgProfileInput; health commission only. */
    SetOrgProfile: tx<['input'], OrgProfile>('submit', ['input']),
    /** AllocateCodesInput; health commission only. */
    AllocateCodes: tx<['input'], OrgProfile>('submit', ['input']),
    ReadOrg: tx<['mspId'], OrgProfile>('evaluate', ['mspId']),
    ListOrgs: tx<[], OrgProfile[]>('evaluate', []),
  },
} as const;

export const PROBE_CONTRACT = {
  name: 'probe',
  transactions: {
    /** Submitted, writes nothing: the throughput baseline. */
    Noop: tx<[], string>('submit', []),
  },
} as const;

/**
 * Resident keys and consent grants. The signed operations take canonical JSON of their input
 * (`{ payload, signature, ... }`, see CONSENT_SIGNING_DESCRIPTION); any member may submit them, the
 * resident's signature authorises them. Queries are open to members.
 */
export const CONSENT_CONTRACT = {
  name: 'consent',
  transactions: {
    /** RegisterResidentKeyInput; health commission or hospital. */
    RegisterResidentKey: tx<['input'], ResidentKey>('submit', ['input']),
    /** RotateResidentKeyInput: signed by the current key and by the new key. */
    RotateResidentKey: tx<['input'], ResidentKey>('submit', ['input']),
    /** RecoverResidentKeyInput: the lost key replaced by an authority, with a reason. */
    RecoverResidentKey: tx<['input'], ResidentKey>('submit', ['input']),
    ReadResidentKey: tx<['residentId'], ResidentKey>('evaluate', ['residentId']),
    /** Every version of the resident's key, oldest first. */
    ResidentKeyHistory: tx<['residentId'], HistoryEntry<ResidentKey>[]>('evaluate', ['residentId']),
    /** GrantConsentInput. */
    Grant: tx<['input'], ConsentGrant>('submit', ['input']),
    /** ChangeConsentInput: new scope, validity window or use limit. */
    Change: tx<['input'], ConsentGrant>('submit', ['input']),
    /** RevokeConsentInput. */
    Revoke: tx<['input'], ConsentGrant>('submit', ['input']),
    /** EndReferralInput; the grantee institution. Returns the grants it ended. */
    EndReferral: tx<['input'], ConsentGrant[]>('submit', ['input']),
    /** The grant, its status as at the query's time (ACTIVE past notAfter reads EXPIRED). */
    ReadGrant: tx<['residentId', 'grantId'], ConsentGrant>('evaluate', ['residentId', 'grantId']),
    /** The resident's grants ordered by grant id, statuses as in ReadGrant. */
    ListGrantsByResident: tx<['residentId'], ConsentGrant[]>('evaluate', ['residentId']),
    /**
     * The grants naming the institution `mspId` and, for a doctor, that doctor (a `doctorId` of ""
     * lists the grants to the whole institution only), ordered by resident and grant id, statuses as in
     * ReadGrant; for the grantee institution itself or the health commission.
     */
    ListGrantsByGrantee: tx<['mspId', 'doctorId'], ConsentGrant[]>('evaluate', ['mspId', 'doctorId']),
    /** Every version of the grant, oldest first, as stored. */
    GrantHistory: tx<['residentId', 'grantId'], HistoryEntry<ConsentGrant>[]>('evaluate', ['residentId', 'grantId']),
    /** SetPoliciesInput: the resident's signed narrowing of the general policies, replacing the current one. */
    SetPolicyPreferences: tx<['input'], ResidentPolicyPreferences>('submit', ['input']),
    /** The resident's current preferences; the defaults at version 0 when none were signed. */
    ReadPolicyPreferences: tx<['residentId'], ResidentPolicyPreferences>('evaluate', ['residentId']),
    /** Every signed version, oldest first. */
    PolicyPreferencesHistory: tx<['residentId'], HistoryEntry<ResidentPolicyPreferences>[]>('evaluate', ['residentId']),
  },
} as const;

/**
 * The health-record index: hospitals register record indices in batches anchored by an SM3
 * Merkle root (see merkle.ts); each record is then updated or retracted on its own key.
 */
export const RECORDS_CONTRACT = {
  name: 'records',
  transactions: {
    /** RegisterBatchInput: up to RECORD_BATCH_MAX records of the submitting hospital, all or none. */
    RegisterBatch: tx<['input'], RegisterBatchResult>('submit', ['input']),
    /** UpdateRecordInput: the source hospital records a new digest and pointer. */
    UpdateRecord: tx<['input'], RecordIndex>('submit', ['input']),
    /** RetractRecordInput: the source hospital withdraws the record; it stays on the ledger. */
    RetractRecord: tx<['input'], RecordIndex>('submit', ['input']),
    ReadRecord: tx<['recordId'], RecordIndex>('evaluate', ['recordId']),
    /** IndexedRecordsInput: which of a batch's record ids are indexed, in one query. */
    IndexedRecords: tx<['input'], string[]>('evaluate', ['input']),
    /** Every version of the record's index, oldest first. */
    RecordHistory: tx<['recordId'], HistoryEntry<RecordIndex>[]>('evaluate', ['recordId']),
    /** The batch with its leaves, so a proof of any of its records can be built. */
    ReadBatch: tx<['batchId'], RecordBatch>('evaluate', ['batchId']),
    /** AnchorEmpiAuditInput; any member. Moves the anchored head forward; the same head again answers it. */
    AnchorEmpiAudit: tx<['input'], EmpiAuditAnchor>('submit', ['input']),
    /** The anchored head of the EMPI audit trail, or null before the first anchor. */
    ReadEmpiAuditHead: tx<[], EmpiAuditAnchor | null>('evaluate', []),
  },
} as const;

/**
 * Access to health records: the ruling on each access, from the grant and the record index on the
 * ledger (a submit, so a use-limited grant counts the use and the decision is on chain), and the
 * anchors of the off-chain access log.
 */
export const ACCESS_CONTRACT = {
  name: 'access',
  transactions: {
    /** DecideAccessInput; a hospital. Refusals are answered (allowed false), not raised. */
    Decide: tx<['input'], AccessRuling>('submit', ['input']),
    ReadDecision: tx<['requestId'], AccessRuling>('evaluate', ['requestId']),
    /** DecideAccessInput; a hospital. The ruling now, not stored: see AccessCheck. */
    Check: tx<['input'], AccessCheck>('evaluate', ['input']),
    /** AnchorAccessLogInput; any member. The same anchor again answers the one on chain. */
    Anchor: tx<['input'], AccessAnchor>('submit', ['input']),
    ReadAnchor: tx<['anchorId'], AccessAnchor>('evaluate', ['anchorId']),
    /** Every anchor, by anchor id. */
    ListAnchors: tx<[], AccessAnchor[]>('evaluate', []),
  },
} as const;

/** The argument object `Issue` takes before it is encoded. */
export type IssueArgument = IssueInvoiceInput;

export type InvoiceTransaction = keyof typeof INVOICE_CONTRACT.transactions;

/** The result type of a transaction of a contract. */
export type ResultOf<S> = S extends TransactionSpec<readonly string[], infer R> ? R : never;
