/**
 * The health-record index through the gateway: hospitals register record indices in batches;
 * anyone of the consortium (residents excepted) reads a record with its Merkle proof against the
 * batch root on chain, and verifies an off-chain copy against the digest on chain.
 *
 * A record's leaf is the hash of its index as registered; an update changes the digest and
 * pointer under the record's own key (its transaction anchors them), so the proof of an updated
 * record is built from the first version in its history.
 */
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  mayIssueInvoices,
  merkleLeaf,
  merkleProof,
  verifyMerkleProof,
  type RecordLeafEntry,
} from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { RecordsLedger } from './ledger';
import type {
  RecordHistoryView,
  RecordIndexView,
  RecordProofView,
  RetractRecordBody,
  UpdateRecordBody,
  VerifyRecordBody,
  VerifyResultView,
} from './schemas';

export const sm3 = (data: Uint8Array): Uint8Array => createHash('sm3').update(data).digest();

/** Who may write the index: a doctor or a billing clerk of a hospital, for that hospital. */
export const RECORD_WRITER_ROLES = ['doctor', 'billing_clerk'] as const;

export interface RecordsServiceDeps {
  ledger: RecordsLedger;
  logger: Logger;
}

/** The entry hashed into the leaf: the index as registered, without what the ledger added. */
export function leafEntryOf(record: RecordIndexView): RecordLeafEntry {
  const { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer, sourceOrg } = record;
  return { recordId, patientId, encounterId, type, recordedAt, digest, classification, pointer, sourceOrg };
}

export function recordLeaf(record: RecordIndexView): string {
  return merkleLeaf(sm3, canonicalJson(leafEntryOf(record)));
}

function authoriseWriter(user: User): void {
  const role = (RECORD_WRITER_ROLES as readonly string[]).includes(user.role);
  if (!role || !mayIssueInvoices(user.mspId)) {
    throw new AppError('FORBIDDEN', 'only a doctor or billing clerk of a hospital may write health-record indices');
  }
}

function authoriseReader(user: User): void {
  if (user.role === 'resident') throw new AppError('FORBIDDEN', 'residents may not read the record index');
}

export class RecordsService {
  constructor(private readonly deps: RecordsServiceDeps) {}

  async update(user: User, recordId: string, body: UpdateRecordBody): Promise<RecordIndexView> {
    authoriseWriter(user);
    return (await this.deps.ledger.update(user.mspId, recordId, body)).result;
  }

  async retract(user: User, recordId: string, body: RetractRecordBody): Promise<RecordIndexView> {
    authoriseWriter(user);
    return (await this.deps.ledger.retract(user.mspId, recordId, body)).result;
  }

  async history(user: User, recordId: string): Promise<RecordHistoryView> {
    authoriseReader(user);
    return this.deps.ledger.history(user.mspId, recordId);
  }

  /** The record with the proof of its registered index against its batch's root on chain. */
  async prove(user: User, recordId: string): Promise<RecordProofView> {
    authoriseReader(user);
    const record = await this.deps.ledger.read(user.mspId, recordId);
    const registered = record.version === 1 ? record : await this.registeredVersion(user, recordId);
    const batch = await this.deps.ledger.readBatch(user.mspId, record.batchId);
    const leaf = recordLeaf(registered);
    const steps = merkleProof(sm3, batch.leaves, record.leafIndex);
    const verified = batch.leaves[record.leafIndex] === leaf && verifyMerkleProof(sm3, leaf, steps, batch.root);
    const statement =
      `The root ${batch.root} of batch ${batch.batchId} (${batch.count} records of ${batch.sourceOrg}) is on chain, ` +
      `written by transaction ${batch.txId} at ${batch.timestamp}; leaf ${record.leafIndex} is this record as registered` +
      (record.version === 1
        ? '.'
        : `; its current version ${record.version} was written by transaction ${record.lastOperation.txId}.`);
    return {
      record,
      proof: {
        leaf,
        leafIndex: record.leafIndex,
        steps,
        root: batch.root,
        batchId: batch.batchId,
        batchCount: batch.count,
        txId: batch.txId,
        anchoredAt: batch.timestamp,
        verified,
        statement,
      },
    };
  }

  /** Recomputes SM3 over the off-chain copy (or takes its digest) and compares it with the chain. */
  async verify(user: User, recordId: string, body: VerifyRecordBody): Promise<VerifyResultView> {
    authoriseReader(user);
    const record = await this.deps.ledger.read(user.mspId, recordId);
    const digest =
      'digest' in body
        ? body.digest
        : createHash('sm3').update(Buffer.from(body.contentBase64, 'base64')).digest('hex');
    return {
      result: digest === record.digest ? 'authentic' : 'tampered',
      recordId,
      status: record.status,
      version: record.version,
      digest,
      onChainDigest: record.digest,
    };
  }

  private async registeredVersion(user: User, recordId: string): Promise<RecordIndexView> {
    const first = (await this.deps.ledger.history(user.mspId, recordId)).find((entry) => entry.value !== null)?.value;
    if (first === undefined || first === null) throw new AppError('INTERNAL', `record ${recordId} has no history`);
    return first;
  }
}
