/**
 * In-memory off-chain store for unit tests: documents kept per (keyId, cid), idempotency
 * records with the semantics of `@hdt/offchain-store` (new / replay / conflict / in_progress),
 * check-code failures in an array.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CheckCodeFailure } from '../src/modules/invoices/check-code-failure-model';
import { COUNTED_OUTCOMES } from '../src/modules/invoices/check-code-failure-model';
import type {
  CheckCodeFailures,
  NewGuess,
  RecentFailure,
  SettledOutcome,
} from '../src/modules/invoices/check-code-failures';
import type {
  BeginIdempotentResult,
  DocumentFiles,
  IdempotencyStore,
  OffchainHealth,
  OffchainPorts,
  StoredDocument,
} from '../src/ports';
import type { InvoiceRecordData, InvoiceRecords } from '../src/modules/invoices/records';

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

  /** The plaintext of the document stored under `docId`. */
  byDocId(docId: string): Buffer | undefined {
    for (const doc of this.docs.values()) if (doc.docId === docId) return doc.bytes;
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
}

interface IdemRow {
  requestHash: string;
  state: 'pending' | 'done';
  statusCode?: number;
  body?: string;
}

export class FakeIdempotency implements IdempotencyStore {
  readonly rows = new Map<string, IdemRow>();

  async begin(scope: string, key: string, requestHash: string): Promise<BeginIdempotentResult> {
    const id = `${scope}\u0000${key}`;
    const row = this.rows.get(id);
    if (!row) {
      this.rows.set(id, { requestHash, state: 'pending' });
      return { kind: 'new' };
    }
    if (row.requestHash !== requestHash) return { kind: 'conflict' };
    if (row.state === 'pending') return { kind: 'in_progress' };
    const body: unknown = JSON.parse(row.body ?? 'null');
    return { kind: 'replay', statusCode: row.statusCode ?? 200, body };
  }

  async complete(scope: string, key: string, statusCode: number, body: unknown): Promise<void> {
    const row = this.rows.get(`${scope}\u0000${key}`);
    if (!row || row.state !== 'pending') throw new StoreError('IDEMPOTENCY_NOT_PENDING', key);
    row.state = 'done';
    row.statusCode = statusCode;
    row.body = JSON.stringify(body);
  }

  async abandon(scope: string, key: string): Promise<void> {
    const id = `${scope}\u0000${key}`;
    if (this.rows.get(id)?.state === 'pending') this.rows.delete(id);
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
    return this.recent((r) => r.code === code && r.number === number, since, limit);
  }

  async recentByUser(username: string, since: Date, limit: number): Promise<RecentFailure[]> {
    return this.recent((r) => r.username === username, since, limit);
  }

  private recent(where: (row: CheckCodeFailure) => boolean, since: Date, limit: number): RecentFailure[] {
    return this.rows
      .filter((r) => where(r) && r.at > since && COUNTED_OUTCOMES.includes(r.outcome))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit)
      .map((r) => ({ id: r.id, at: r.at, username: r.username }));
  }
}

export class FakeOffchain implements OffchainPorts {
  readonly files = new FakeFiles();
  readonly records = new FakeRecords();
  readonly idempotency = new FakeIdempotency();
  readonly checkCodeFailures = new FakeCheckCodeFailures();
  health: OffchainHealth = { database: { state: 'up', detail: 'ok' }, ipfs: { state: 'up', detail: 'ok' } };

  async ping(): Promise<OffchainHealth> {
    return this.health;
  }
}
