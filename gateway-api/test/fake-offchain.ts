/**
 * In-memory off-chain store for unit tests: documents kept per (keyId, cid); idempotency records
 * through the real IdempotencyStore of `@hdt/offchain-store` (sealing with an in-memory key store)
 * over an in-memory stand-in for its collection; check-code failures in an array.
 */
import { createHash, randomUUID } from 'node:crypto';
import { IdempotencyStore, InMemoryKeyStore, type IdempotencyRecordModel } from '@hdt/offchain-store';
import type { CheckCodeFailure } from '../src/modules/invoices/check-code-failure-model';
import {
  COUNTED_OUTCOMES,
  type GuessOutcome,
  SETTLED_FAILURES,
} from '../src/modules/invoices/check-code-failure-model';
import type {
  CheckCodeFailures,
  NewGuess,
  RecentFailure,
  SettledOutcome,
} from '../src/modules/invoices/check-code-failures';
import type { DocumentFiles, OffchainHealth, OffchainPorts, StoredDocument } from '../src/ports';
import type { InvoiceRecordData, InvoiceRecords } from '../src/modules/invoices/records';
import { OPEN_ISSUANCE_STATES } from '../src/modules/invoices/issuance-model';
import type { Issuance, IssuanceChanges, Issuances, IssuanceSummary } from '../src/modules/invoices/issuances';

const sm3 = (bytes: Uint8Array) => createHash('sm3').update(bytes).digest('hex');

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A well-formed CIDv1 (base32) derived from a hex digest. */
function cidOf(hex: string): string {
  return `bafkrei${[...hex].map((c) => BASE32[parseInt(c, 16)]).join('')}`;
}

class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'OffchainError';
  }
}

export class FakeFiles implements DocumentFiles {
  readonly docs = new Map<string, { docId: string; keyId: string; bytes: Buffer }>();
  readonly destroyed = new Set<string>();
  failPut = false;

  async putDocument(docId: string, plaintext: Uint8Array): Promise<StoredDocument> {
    if (this.failPut) throw new StoreError('BLOB_STORE_UNAVAILABLE', 'ipfs is down');
    const bytes = Buffer.from(plaintext);
    const keyId = randomUUID();
    const cid = cidOf(sm3(Buffer.concat([bytes, Buffer.from(keyId)])));
    this.docs.set(cid, { docId, keyId, bytes });
    return { cid, sm3: sm3(bytes), keyId, size: bytes.length };
  }

  async getDocument(keyId: string, cid: string, expectedSm3?: string): Promise<Uint8Array> {
    if (this.destroyed.has(keyId)) throw new StoreError('KEY_DESTROYED', 'key destroyed');
    const doc = this.docs.get(cid);
    if (!doc) throw new StoreError('BLOB_NOT_FOUND', cid);
    if (doc.keyId !== keyId) throw new StoreError('TAMPERED_CIPHERTEXT', 'wrong key');
    if (expectedSm3 !== undefined && sm3(doc.bytes) !== expectedSm3) throw new StoreError('DIGEST_MISMATCH', cid);
    return Buffer.from(doc.bytes);
  }

  async destroyDocument(keyId: string): Promise<void> {
    this.destroyed.add(keyId);
  }

  readonly unpinned = new Set<string>();

  async discardDocument(keyId: string, cid: string): Promise<void> {
    this.destroyed.add(keyId);
    this.unpinned.add(cid);
    this.docs.delete(cid);
  }

  /** The plaintext of the document stored under a `docId` the pattern matches. */
  byDocId(docId: RegExp): Buffer | undefined {
    for (const doc of this.docs.values()) if (docId.test(doc.docId)) return doc.bytes;
    return undefined;
  }
}

export class FakeRecords implements InvoiceRecords {
  readonly rows = new Map<string, InvoiceRecordData>();
  failUpserts = 0;
  upserts = 0;

  async upsert(record: InvoiceRecordData): Promise<void> {
    this.upserts++;
    if (this.failUpserts > 0) {
      this.failUpserts--;
      throw new StoreError('DATABASE_UNAVAILABLE', 'down');
    }
    this.rows.set(`${record.code}/${record.number}`, structuredClone(record));
  }

  async find(code: string, number: string): Promise<InvoiceRecordData | undefined> {
    const row = this.rows.get(`${code}/${number}`);
    return row === undefined ? undefined : structuredClone(row);
  }

  async listByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<InvoiceRecordData[]> {
    return [...this.rows.entries()]
      .filter(([id, row]) => row.issuerMsp === issuerMsp && (after === undefined || id > after))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, row]) => structuredClone(row));
  }
}

type Row = Record<string, unknown>;

function matches(row: Row, filter: Row): boolean {
  return Object.entries(filter).every(([key, value]) =>
    value instanceof Date ? row[key] instanceof Date && row[key].getTime() === value.getTime() : row[key] === value,
  );
}

/** The idempotency collection in memory: the mongoose calls IdempotencyStore makes. */
export class InMemoryIdempotencyCollection {
  readonly rows: Row[] = [];

  create(doc: Row): Promise<Row> {
    const duplicate = this.rows.some((r) => r['scope'] === doc['scope'] && r['key'] === doc['key']);
    if (duplicate) return Promise.reject(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }));
    this.rows.push({ ...doc });
    return Promise.resolve(doc);
  }

  findOne(filter: Row) {
    const row = this.rows.find((r) => matches(r, filter));
    return { lean: () => ({ exec: () => Promise.resolve(row === undefined ? null : { ...row }) }) };
  }

  updateOne(filter: Row, update: { $set: Row }) {
    const row = this.rows.find((r) => matches(r, filter));
    if (row) Object.assign(row, update.$set);
    const count = row ? 1 : 0;
    return { exec: () => Promise.resolve({ matchedCount: count, modifiedCount: count }) };
  }

  findOneAndUpdate(filter: Row, update: { $set: Row }) {
    const row = this.rows.find((r) => matches(r, filter));
    const before = row === undefined ? null : { ...row };
    if (row) Object.assign(row, update.$set);
    return { lean: () => ({ exec: () => Promise.resolve(before) }) };
  }

  deleteOne(filter: Row) {
    const index = this.rows.findIndex((r) => matches(r, filter));
    if (index >= 0) this.rows.splice(index, 1);
    return { exec: () => Promise.resolve({ deletedCount: index >= 0 ? 1 : 0 }) };
  }

  row(scope: string, key: string): Row | undefined {
    return this.rows.find((r) => r['scope'] === scope && r['key'] === key);
  }
}

/** Check-code failures in memory, with the semantics of MongoCheckCodeFailures. */
export class FakeCheckCodeFailures implements CheckCodeFailures {
  readonly rows: Array<CheckCodeFailure & { id: string }> = [];
  /** The next `begin` calls fail while this is above 0. */
  failBegins = 0;

  async begin(guess: NewGuess): Promise<string> {
    if (this.failBegins > 0) {
      this.failBegins--;
      throw new StoreError('DATABASE_UNAVAILABLE', 'down');
    }
    const id = randomUUID();
    this.rows.push({ ...guess, id, invoice: `${guess.code}/${guess.number}`, outcome: 'checking' });
    return id;
  }

  async settle(id: string, outcome: SettledOutcome): Promise<void> {
    const row = this.rows.find((r) => r.id === id);
    if (row) row.outcome = outcome;
  }

  async withdraw(id: string): Promise<void> {
    const index = this.rows.findIndex((r) => r.id === id);
    if (index >= 0) this.rows.splice(index, 1);
  }

  async recentOnInvoice(code: string, number: string, since: Date, limit: number): Promise<RecentFailure[]> {
    return this.recent((r) => r.code === code && r.number === number, since, limit, COUNTED_OUTCOMES);
  }

  async recentByUser(username: string, since: Date, limit: number): Promise<RecentFailure[]> {
    return this.recent((r) => r.username === username, since, limit, SETTLED_FAILURES);
  }

  private recent(
    where: (row: CheckCodeFailure) => boolean,
    since: Date,
    limit: number,
    outcomes: readonly GuessOutcome[],
  ): RecentFailure[] {
    return this.rows
      .filter((r) => where(r) && r.at > since && outcomes.includes(r.outcome))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit)
      .map((r) => ({ id: r.id, at: r.at, username: r.username }));
  }
}

export class FakeOffchain implements OffchainPorts {
  readonly files = new FakeFiles();
  readonly records = new FakeRecords();
  readonly keys = new InMemoryKeyStore();
  readonly idempotencyRecords = new InMemoryIdempotencyCollection();
  readonly idempotency: IdempotencyStore = new IdempotencyStore(
    this.idempotencyRecords as unknown as IdempotencyRecordModel,
    this.keys,
  );
  readonly checkCodeFailures = new FakeCheckCodeFailures();
  readonly issuances = new FakeIssuances();
  health: OffchainHealth = { database: { state: 'up', detail: 'ok' }, ipfs: { state: 'up', detail: 'ok' } };

  async ping(): Promise<OffchainHealth> {
    return this.health;
  }
}

/** Issuances in memory, with the semantics of MongoIssuances (leases included). */
export class FakeIssuances implements Issuances {
  readonly rows = new Map<string, Issuance>();

  async create(issuance: Issuance): Promise<Issuance | undefined> {
    const existing = this.rows.get(issuance.id);
    if (existing !== undefined) return structuredClone(existing);
    this.rows.set(issuance.id, structuredClone(issuance));
    return undefined;
  }

  async find(code: string, number: string): Promise<Issuance | undefined> {
    const row = this.rows.get(`${code}/${number}`);
    return row === undefined ? undefined : structuredClone(row);
  }

  async update(id: string, lease: string, changes: IssuanceChanges): Promise<boolean> {
    const row = this.rows.get(id);
    if (row === undefined || row.lease !== lease) return false;
    for (const [field, value] of Object.entries(changes)) {
      if (value !== undefined) Object.assign(row, { [field]: structuredClone(value) });
    }
    row.updatedAt = new Date();
    return true;
  }

  async remove(id: string, lease: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (row === undefined || row.lease !== lease) return false;
    this.rows.delete(id);
    return true;
  }

  async claimDue(now: Date, lease: string, until: Date): Promise<Issuance | undefined> {
    const due = [...this.rows.values()]
      .filter((r) => OPEN_ISSUANCE_STATES.includes(r.state) && r.dueAt <= now)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
    if (due === undefined) return undefined;
    Object.assign(due, { lease, dueAt: until, updatedAt: now });
    return structuredClone(due);
  }

  async summary(): Promise<IssuanceSummary> {
    const open = [...this.rows.values()].filter((r) => OPEN_ISSUANCE_STATES.includes(r.state));
    const oldest = open.map((r) => r.createdAt).sort((a, b) => a.getTime() - b.getTime())[0];
    return { open: open.length, oldestOpenAt: oldest };
  }

  async listOpen(limit: number): Promise<Issuance[]> {
    return [...this.rows.values()]
      .filter((r) => OPEN_ISSUANCE_STATES.includes(r.state))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
}
