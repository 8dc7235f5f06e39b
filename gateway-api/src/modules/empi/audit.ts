/**
 * The EMPI audit trail: every merge and split, append-only, each entry chained to the one before
 * by SM3 (hash = SM3(previous hash ‖ canonical JSON of the entry's content)), so a changed or
 * removed entry breaks the chain from there on.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@hdt/vocabulary';

export const EMPI_ACTIONS = ['MERGE', 'SPLIT'] as const;
export type EmpiAction = (typeof EMPI_ACTIONS)[number];

/** What an audit entry says, before it is numbered and chained. */
export interface AuditContent {
  at: string;
  actor: string;
  actorOrg: string;
  action: EmpiAction;
  reason: string;
  /** The residents the operation touched. */
  residentIds: string[];
  /** Their state before and after: resident and links, as plain JSON. */
  before: unknown;
  after: unknown;
}

export interface AuditEntry extends AuditContent {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, seq: number, content: AuditContent): string {
  return createHash('sm3')
    .update(prevHash, 'utf8')
    .update(canonicalJson({ seq, ...content }), 'utf8')
    .digest('hex');
}

/** The entry following `previous` (or the first one). */
export function nextEntry(previous: AuditEntry | undefined, content: AuditContent): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { ...content, seq, prevHash, hash: chainHash(prevHash, seq, content) };
}

/** The seq of the first entry that does not follow from the one before, or null when all do. */
export function firstBroken(entries: readonly AuditEntry[]): number | null {
  let prevHash = GENESIS_HASH;
  for (const [i, entry] of entries.entries()) {
    const { seq, prevHash: claimed, hash, ...content } = entry;
    if (seq !== i + 1 || claimed !== prevHash || hash !== chainHash(prevHash, seq, content)) return seq;
    prevHash = hash;
  }
  return null;
}
