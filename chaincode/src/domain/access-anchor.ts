/** Anchors of the off-chain access log: the SM3 Merkle root of access records' leaves, written once. */
import { merkleRoot, type AccessAnchor, type AnchorAccessLogInput } from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from './errors';
import type { TxContext } from './invoice';
import { sm3 } from './sm3';

export function buildAnchor(input: AnchorAccessLogInput, tx: TxContext): AccessAnchor {
  return {
    anchorId: input.anchorId,
    accessIds: input.accessIds,
    leaves: input.leaves,
    mspId: tx.mspId,
    count: input.leaves.length,
    root: merkleRoot(sm3, input.leaves),
    txId: tx.txId,
    timestamp: tx.timestamp,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/** A retried anchor finds itself on chain; another anchor under the same id is refused. */
export function checkReplay(existing: AccessAnchor, input: AnchorAccessLogInput): AccessAnchor {
  if (sameList(existing.accessIds, input.accessIds) && sameList(existing.leaves, input.leaves)) return existing;
  throw chaincodeError(
    ErrorCode.ACCESS_ANCHOR_CONFLICT,
    `anchor ${input.anchorId} is already on chain (transaction ${existing.txId}) with other leaves`,
  );
}
