/**
 * Proving the access log: an access record's leaf, recomputed from what the database holds now,
 * against the anchor on chain (its leaf there and the Merkle root). An edited record no longer
 * gives the leaf on chain; a deleted one is missing from the anchor that lists it.
 */
import { sm3 } from '@hdt/offchain-store';
import { ACCESS_ANCHOR_BOUND_SECONDS, MspId, merkleProof, verifyMerkleProof } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { User } from '../auth/roles';
import { accessLeaf } from './anchoring';
import type { AccessLedger } from './ledger';
import type { ProofView, VerifyLogView } from './schemas';
import { authoriseReviewer, viewOf } from './service';
import { entryField, type AccessLog, type LoggedAccess } from './stores';

export interface AccessAuditDeps {
  ledger: AccessLedger;
  log: AccessLog;
  clock?: () => Date;
}

/** The resident concerned, the reader's organisation, and the health commission's reviewers. */
function authoriseProof(user: User, logged: LoggedAccess): void {
  if (user.role === 'resident') {
    if (user.residentId === entryField(logged.raw, 'residentId')) return;
  } else if (user.mspId === entryField(logged.raw, 'mspId')) {
    return;
  } else if (user.mspId === MspId.HEALTH_COMMISSION && (user.role === 'supervisor' || user.role === 'admin')) {
    return;
  }
  throw new AppError(
    'FORBIDDEN',
    'only the resident concerned, the reading organisation and reviewers see this record',
  );
}

export class AccessAudit {
  constructor(private readonly deps: AccessAuditDeps) {}

  async proof(user: User, accessId: string): Promise<ProofView> {
    const logged = await this.deps.log.get(accessId);
    if (logged === undefined) throw new AppError('ACCESS_RECORD_NOT_FOUND', `no access record ${accessId}`);
    authoriseProof(user, logged);
    const record = viewOf(logged) ?? null;
    const leaf = accessLeaf(logged.raw);
    if (logged.anchor === null) return { record, leaf, result: 'unanchored', proof: null };
    const anchor = await this.deps.ledger.readAnchor(user.mspId, logged.anchor.anchorId);
    const leafIndex = anchor.accessIds.indexOf(accessId);
    if (leafIndex < 0) return { record, leaf, result: 'edited', proof: null };
    const steps = merkleProof(sm3, anchor.leaves, leafIndex);
    const onChainLeaf = anchor.leaves[leafIndex] ?? '';
    const intact = onChainLeaf === leaf && verifyMerkleProof(sm3, leaf, steps, anchor.root);
    return {
      record,
      leaf,
      result: intact ? 'intact' : 'edited',
      proof: {
        anchorId: anchor.anchorId,
        leafIndex,
        onChainLeaf,
        steps,
        root: anchor.root,
        txId: anchor.txId,
        anchoredAt: anchor.timestamp,
      },
    };
  }

  /** Every anchor on chain against the database, and the records still unanchored past the bound. */
  async verify(user: User): Promise<VerifyLogView> {
    authoriseReviewer(user);
    const anchors = await this.deps.ledger.listAnchors(user.mspId);
    const problems: VerifyLogView['problems'] = [];
    let records = 0;
    for (const anchor of anchors) {
      const stored = new Map((await this.deps.log.getMany(anchor.accessIds)).map((item) => [item.accessId, item]));
      anchor.accessIds.forEach((accessId, index) => {
        records += 1;
        const item = stored.get(accessId);
        if (item === undefined) problems.push({ accessId, anchorId: anchor.anchorId, problem: 'MISSING' });
        else if (accessLeaf(item.raw) !== anchor.leaves[index]) {
          problems.push({ accessId, anchorId: anchor.anchorId, problem: 'EDITED' });
        }
      });
    }
    const now = (this.deps.clock ?? (() => new Date()))();
    const late = await this.deps.log.countUnanchoredBefore(
      new Date(now.getTime() - ACCESS_ANCHOR_BOUND_SECONDS * 1000),
    );
    return { intact: problems.length === 0, anchors: anchors.length, records, problems, unanchoredPastBound: late };
  }
}
