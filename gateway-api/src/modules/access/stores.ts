/**
 * What the access service keeps off chain: the access log (every access, allowed or refused, kept
 * at least ACCESS_LOG_RETENTION_DAYS and anchored on chain) and where each record's sealed content
 * is. Small ports, with in-memory versions for tests; the Mongo versions are in mongo-stores.ts.
 */
import type { StoredDocument } from '../../ports';
import type { AccessEntry, AnchorRef } from './schemas';

export interface LoggedAccess {
  readonly accessId: string;
  /** Position in the log: anchors take records in this order. */
  readonly seq: number;
  /** The entry as kept now, exactly as stored (its canonical JSON is the Merkle leaf's input). */
  readonly raw: unknown;
  readonly anchor: AnchorRef | null;
  readonly loggedAt: Date;
}

export interface AccessLog {
  /** Appends the entry; resolves once the database acknowledged the write. */
  append(entry: AccessEntry): Promise<LoggedAccess>;
  get(accessId: string): Promise<LoggedAccess | undefined>;
  getMany(accessIds: readonly string[]): Promise<LoggedAccess[]>;
  /** Newest first. */
  byResident(residentId: string, limit: number): Promise<LoggedAccess[]>;
  /** Break-glass accesses, newest first. */
  breakGlass(limit: number): Promise<LoggedAccess[]>;
  /** Not yet anchored, oldest first. */
  unanchored(limit: number): Promise<LoggedAccess[]>;
  markAnchored(marks: readonly { accessId: string; anchor: AnchorRef }[]): Promise<void>;
  countUnanchoredBefore(before: Date): Promise<number>;
}

export interface SealedAttachment extends StoredDocument {
  contentType: string;
}

export interface StoredContent {
  recordId: string;
  /** SM3 of the content document; equal to the index's digest when stored. */
  digest: string;
  document: StoredDocument;
  attachment: SealedAttachment | null;
  storedBy: string;
  storedAt: Date;
}

export interface RecordContents {
  /** Stores or replaces the record's content; answers the one it replaced. */
  put(content: StoredContent): Promise<StoredContent | undefined>;
  get(recordId: string): Promise<StoredContent | undefined>;
}

const newestFirst = (a: LoggedAccess, b: LoggedAccess): number => b.seq - a.seq;

/** A member of a stored entry, whatever shape the entry has now. */
export function entryField(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

export class InMemoryAccessLog implements AccessLog {
  readonly items = new Map<string, LoggedAccess>();
  private seq = 0;

  append(entry: AccessEntry): Promise<LoggedAccess> {
    this.seq += 1;
    const item = {
      accessId: entry.accessId,
      seq: this.seq,
      raw: structuredClone(entry),
      anchor: null,
      loggedAt: new Date(),
    };
    this.items.set(entry.accessId, item);
    return Promise.resolve(item);
  }

  get(accessId: string): Promise<LoggedAccess | undefined> {
    return Promise.resolve(this.items.get(accessId));
  }

  getMany(accessIds: readonly string[]): Promise<LoggedAccess[]> {
    return Promise.resolve(accessIds.flatMap((id) => this.items.get(id) ?? []));
  }

  byResident(residentId: string, limit: number): Promise<LoggedAccess[]> {
    return this.list((item) => entryField(item.raw, 'residentId') === residentId, limit);
  }

  breakGlass(limit: number): Promise<LoggedAccess[]> {
    return this.list((item) => entryField(item.raw, 'breakGlass') === true, limit);
  }

  unanchored(limit: number): Promise<LoggedAccess[]> {
    const items = [...this.items.values()].filter((item) => item.anchor === null);
    return Promise.resolve(items.sort((a, b) => a.seq - b.seq).slice(0, limit));
  }

  markAnchored(marks: readonly { accessId: string; anchor: AnchorRef }[]): Promise<void> {
    for (const { accessId, anchor } of marks) {
      const item = this.items.get(accessId);
      if (item !== undefined) this.items.set(accessId, { ...item, anchor });
    }
    return Promise.resolve();
  }

  countUnanchoredBefore(before: Date): Promise<number> {
    const late = [...this.items.values()].filter((item) => item.anchor === null && item.loggedAt < before);
    return Promise.resolve(late.length);
  }

  private list(keep: (item: LoggedAccess) => boolean, limit: number): Promise<LoggedAccess[]> {
    return Promise.resolve([...this.items.values()].filter(keep).sort(newestFirst).slice(0, limit));
  }
}

export class InMemoryRecordContents implements RecordContents {
  readonly items = new Map<string, StoredContent>();

  put(content: StoredContent): Promise<StoredContent | undefined> {
    const previous = this.items.get(content.recordId);
    this.items.set(content.recordId, content);
    return Promise.resolve(previous);
  }

  get(recordId: string): Promise<StoredContent | undefined> {
    return Promise.resolve(this.items.get(recordId));
  }
}
