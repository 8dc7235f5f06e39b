/**
 * Where share links are kept: the link's record, fields and validity, and the sealed content
 * while the link may still be opened. The key that opens it is never here.
 */
import type { HealthRecordType } from '@hdt/vocabulary';

export interface StoredShareLink {
  linkId: string;
  residentId: string;
  recordId: string;
  recordType: HealthRecordType;
  fields: string[];
  createdAt: Date;
  expiresAt: Date;
  withdrawnAt: Date | null;
  /** The sealed content; null once withdrawn. */
  sealed: Uint8Array | null;
  opens: number;
}

export interface ShareLinkStore {
  add(link: StoredShareLink): Promise<void>;
  get(linkId: string): Promise<StoredShareLink | undefined>;
  /** Newest first. */
  byResident(residentId: string, limit: number): Promise<StoredShareLink[]>;
  /** Marks the link withdrawn (the first time only) and deletes its sealed content; the link as kept now. */
  withdraw(linkId: string, at: Date): Promise<StoredShareLink | undefined>;
  countOpen(linkId: string): Promise<void>;
  /** Deletes the sealed content of the given link (its record was retracted). */
  discard(linkId: string): Promise<void>;
  /** Deletes the sealed content of every link expired at `now`; answers how many were cleared. */
  discardExpired(now: Date): Promise<number>;
}

export class InMemoryShareLinkStore implements ShareLinkStore {
  readonly items = new Map<string, StoredShareLink>();

  add(link: StoredShareLink): Promise<void> {
    this.items.set(link.linkId, structuredClone(link));
    return Promise.resolve();
  }

  get(linkId: string): Promise<StoredShareLink | undefined> {
    const link = this.items.get(linkId);
    return Promise.resolve(link === undefined ? undefined : structuredClone(link));
  }

  byResident(residentId: string, limit: number): Promise<StoredShareLink[]> {
    const mine = [...this.items.values()].filter((link) => link.residentId === residentId);
    mine.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return Promise.resolve(mine.slice(0, limit).map((link) => structuredClone(link)));
  }

  withdraw(linkId: string, at: Date): Promise<StoredShareLink | undefined> {
    const link = this.items.get(linkId);
    if (link === undefined) return Promise.resolve(undefined);
    const withdrawn = { ...link, withdrawnAt: link.withdrawnAt ?? at, sealed: null };
    this.items.set(linkId, withdrawn);
    return Promise.resolve(structuredClone(withdrawn));
  }

  countOpen(linkId: string): Promise<void> {
    const link = this.items.get(linkId);
    if (link !== undefined) link.opens += 1;
    return Promise.resolve();
  }

  discard(linkId: string): Promise<void> {
    const link = this.items.get(linkId);
    if (link !== undefined) link.sealed = null;
    return Promise.resolve();
  }

  discardExpired(now: Date): Promise<number> {
    const expired = [...this.items.values()].filter((l) => l.sealed !== null && l.expiresAt <= now);
    for (const link of expired) link.sealed = null;
    return Promise.resolve(expired.length);
  }
}
