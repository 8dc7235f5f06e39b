/**
 * Ciphertext left pinned in IPFS that nothing in the database refers to: what a crash inside
 * `putDocument` leaves behind (the blob is pinned, the issuance saga has not yet recorded its
 * CID). The IPFS node keeps no time of a pin, so a CID counts as orphaned only after it was seen
 * unreferenced for a grace period: the first sighting of each is kept in the database, and a
 * document still being stored is never reported while its saga is on its way to record it.
 *
 * The same crash leaves the blob's data key wrapped in `data_keys`. A key nothing in the
 * database names and older than the grace period is an orphan too: unpinning destroys it, so a
 * copy of the ciphertext kept elsewhere stays unreadable.
 */

/** The pins of the IPFS node. */
export interface PinnedBlobs {
  /** Every CID pinned recursively (what `put` pins). */
  pinned(): Promise<string[]>;
  /** Stops keeping the bytes; resolves as well when the CID is not pinned. */
  unpin(cid: string): Promise<void>;
}

/**
 * What the database refers to: CIDs (fields named `cid`: records, earlier revisions, issuances under
 * way, migration items) and data key ids (`keyId`, beside each CID).
 */
export interface References {
  cids: Set<string>;
  keyIds: Set<string>;
}

export interface CidReferences {
  /** Both kinds, read in one pass. */
  referenced(): Promise<References>;
}

/** The data keys of the key store. */
export interface LiveDataKeys {
  /** Ids of the keys not destroyed that were created at or before `before`. */
  liveBefore(before: Date): Promise<string[]>;
  /** Crypto-shredding; resolves as well when the key is already destroyed. */
  destroy(keyId: string): Promise<void>;
}

/** When each unreferenced CID was first seen so. */
export interface OrphanSightings {
  /**
   * Records `now` for the CIDs not seen before, forgets every CID not in `cids` (referenced or
   * unpinned since), and answers the first sighting of each of `cids`.
   */
  sight(cids: readonly string[], now: Date): Promise<Map<string, Date>>;
}

export interface OrphanedBlob {
  cid: string;
  /** When it was first seen pinned and unreferenced. */
  firstSeenAt: string;
}

export interface OrphanReport {
  checkedAt: string;
  pinned: number;
  referenced: number;
  graceSeconds: number;
  /** Unreferenced for longer than the grace period (at most 1,000 listed). */
  orphans: OrphanedBlob[];
  /** Unreferenced, but seen so for less than the grace period: reported by a later run if they stay so. */
  withinGrace: number;
  truncated: boolean;
  /** Data keys not destroyed, named by nothing in the database, older than the grace period. */
  orphanKeys?: number;
}

export interface UnpinResult {
  unpinned: string[];
  kept: string[];
  /** Orphaned data keys destroyed after the unpinning. */
  keysDestroyed: string[];
}

export interface OrphanFinderDeps {
  pins: PinnedBlobs;
  references: CidReferences;
  sightings: OrphanSightings;
  /** Absent, data keys are neither reported nor destroyed. */
  keys?: LiveDataKeys;
  graceMs: number;
  clock?: () => Date;
}

const MAX_LISTED = 1000;

export class OrphanFinder {
  private readonly now: () => Date;

  constructor(private readonly deps: OrphanFinderDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  /**
   * Lists the pins and the old keys first, then the references: a CID or key recorded in between
   * counts as referenced.
   */
  async find(): Promise<OrphanReport> {
    const { pins, references, sightings, graceMs } = this.deps;
    const pinned = await pins.pinned();
    const oldKeys = await this.oldKeys(this.now());
    const { cids: referenced, keyIds } = await references.referenced();
    const unreferenced = pinned.filter((cid) => !referenced.has(cid)).sort();
    const now = this.now();
    const seen = await sightings.sight(unreferenced, now);
    const orphans = unreferenced.flatMap((cid) => {
      const first = seen.get(cid) ?? now;
      return now.getTime() - first.getTime() >= graceMs ? [{ cid, firstSeenAt: first.toISOString() }] : [];
    });
    return {
      checkedAt: now.toISOString(),
      pinned: pinned.length,
      referenced: referenced.size,
      graceSeconds: Math.round(graceMs / 1000),
      orphans: orphans.slice(0, MAX_LISTED),
      withinGrace: unreferenced.length - orphans.length,
      truncated: orphans.length > MAX_LISTED,
      ...(this.deps.keys === undefined ? {} : { orphanKeys: oldKeys.filter((k) => !keyIds.has(k)).length }),
    };
  }

  /** Live keys older than the grace period (none without a key store). */
  private async oldKeys(now: Date): Promise<string[]> {
    const { keys, graceMs } = this.deps;
    return keys === undefined ? [] : keys.liveBefore(new Date(now.getTime() - graceMs));
  }

  /**
   * Unpins the given orphans that are still pinned and still unreferenced now; answers which were
   * unpinned and which are kept (referenced meanwhile, or no longer pinned). Then destroys the
   * data keys orphaned now.
   */
  async unpin(cids: readonly string[]): Promise<UnpinResult> {
    const pinned = new Set(await this.deps.pins.pinned());
    const oldKeys = await this.oldKeys(this.now());
    const { cids: referenced, keyIds } = await this.deps.references.referenced();
    const unpinned: string[] = [];
    const kept: string[] = [];
    for (const cid of cids) {
      if (!pinned.has(cid) || referenced.has(cid)) {
        kept.push(cid);
        continue;
      }
      await this.deps.pins.unpin(cid);
      unpinned.push(cid);
    }
    const keysDestroyed = oldKeys.filter((keyId) => !keyIds.has(keyId));
    for (const keyId of keysDestroyed) await this.deps.keys?.destroy(keyId);
    return { unpinned, kept, keysDestroyed };
  }
}

/** Sightings in memory (unit tests). */
export class InMemoryOrphanSightings implements OrphanSightings {
  readonly firstSeen = new Map<string, Date>();

  sight(cids: readonly string[], now: Date): Promise<Map<string, Date>> {
    const wanted = new Set(cids);
    for (const cid of [...this.firstSeen.keys()]) if (!wanted.has(cid)) this.firstSeen.delete(cid);
    for (const cid of cids) if (!this.firstSeen.has(cid)) this.firstSeen.set(cid, now);
    return Promise.resolve(new Map(this.firstSeen));
  }
}

/** An object whose fields may hold CIDs (not bytes, not a date). */
function isFieldObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Date);
}

/** Every string value of a field named `field`, at any depth of a stored document. */
export function valuesNamed(field: string, value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) valuesNamed(field, item, into);
  } else if (isFieldObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === field && typeof inner === 'string') into.add(inner);
      else valuesNamed(field, inner, into);
    }
  }
  return into;
}

/** Every value of a `cid` field, at any depth of a stored document. */
export function cidsIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  return valuesNamed('cid', value, into);
}
