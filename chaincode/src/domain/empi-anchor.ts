/**
 * The EMPI audit trail's head on chain. Each audit entry's hash chains every entry before it, so
 * anchoring the newest (seq, hash) vouches for the whole trail up to it. The head only moves
 * forward; the same head again is a replay.
 */
import type { AnchorEmpiAuditInput, EmpiAuditAnchor } from '@hdt/vocabulary';
import { ErrorCode, chaincodeError, invalidArgument } from './errors';
import { expectHex64, expectIsoTimestamp, expectPattern, expectText } from './fields';
import type { TxContext } from './invoice';
import { decodeJsonArgument } from './invoice';
import { openObject } from './signed-inputs';

const INPUT_MEMBERS = ['seq', 'hash'] as const;

function parseSeq(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument('seq', 'must be a whole number, 1 or more');
  }
  return value;
}

export function parseAnchorEmpiAuditJson(text: unknown): AnchorEmpiAuditInput {
  const field = openObject(decodeJsonArgument(text, 1_000), 'input', INPUT_MEMBERS);
  return { seq: parseSeq(field('seq')), hash: expectHex64(field('hash'), 'hash') };
}

/** Checks a head read back from the ledger. */
export function parseStoredEmpiHead(value: unknown): EmpiAuditAnchor {
  const field = openObject(value, 'empiAuditHead', [...INPUT_MEMBERS, 'mspId', 'txId', 'timestamp']);
  return {
    seq: parseSeq(field('seq')),
    hash: expectHex64(field('hash'), 'hash'),
    mspId: expectPattern(field('mspId'), 'mspId', /^[A-Za-z0-9.-]{1,64}$/, 'an MSP id'),
    txId: expectText(field('txId'), 'txId', 1, 128),
    timestamp: expectIsoTimestamp(field('timestamp'), 'timestamp'),
  };
}

/**
 * The head after anchoring `input`: the stored head itself for a replay (`changed` false), a new
 * head for a later entry; an earlier entry, or another hash at the same seq, is refused.
 */
export function nextEmpiHead(
  head: EmpiAuditAnchor | undefined,
  input: AnchorEmpiAuditInput,
  tx: TxContext,
): { head: EmpiAuditAnchor; changed: boolean } {
  if (head !== undefined && input.seq === head.seq && input.hash === head.hash) return { head, changed: false };
  if (head !== undefined && input.seq <= head.seq) {
    throw chaincodeError(
      ErrorCode.EMPI_AUDIT_ANCHOR_CONFLICT,
      `the EMPI audit head on chain is entry ${head.seq} with hash ${head.hash} (transaction ${head.txId}); ` +
        `entry ${input.seq} with hash ${input.hash} cannot replace it`,
    );
  }
  return { head: { ...input, mspId: tx.mspId, txId: tx.txId, timestamp: tx.timestamp }, changed: true };
}
