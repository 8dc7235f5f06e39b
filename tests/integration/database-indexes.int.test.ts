/**
 * Every query the code makes has an index behind it. The off-chain store, the gateway's adapter
 * and the stores of the gateway's modules (index-workloads/) run all their operations against the
 * real database while the driver's command monitor records each filter they send (with a find's
 * sort and limit); every distinct query is then explained against collections holding thousands
 * of documents, and a collection scan fails the test. (Blobs go to an in-memory blob store here:
 * only the database's queries are under test.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import {
  createOffchainDocuments,
  DATA_KEY_COLLECTION,
  DATA_KEY_MODEL,
  InMemoryBlobStore,
  MongoKeyStore,
  type OffchainStore,
  SecureFileStore,
} from '@hdt/offchain-store';
import { offchainPorts } from '../../gateway-api/src/offchain';
import {
  checkCodeFailureModel,
  type CheckCodeFailures,
  invoiceRecordId,
  invoiceRecordModel,
  MongoCheckCodeFailures,
  type InvoiceRecordData,
  type InvoiceRecords,
  MongoInvoiceRecords,
} from '../../gateway-api/src/modules/invoices';
import type { OffchainPorts } from '../../gateway-api/src/ports';
import { insertRaw, WORKLOADS } from './index-workloads';
import { mongodbUriFor } from './stack';

const SEED = 3000;
const DATABASE = `hdt_indexes_${Date.now()}_${randomBytes(3).toString('hex')}`;

interface Observed {
  collection: string;
  filter: Record<string, unknown>;
  /** A find's order and limit: an index may serve the order, and the query stop after `limit` documents. */
  sort?: Record<string, unknown>;
  limit?: number;
}

let store: OffchainStore;
let ports: OffchainPorts;
let records: InvoiceRecords;
let failures: CheckCodeFailures;
let recording = false;
const observed: Observed[] = [];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A find's filter, with its sort and limit when it has them. */
function findOf(cmd: Record<string, unknown>): Observed[] {
  const [collection, filter, limit] = [cmd['find'], cmd['filter'] ?? {}, cmd['limit']];
  // The driver sends a sort as a Map (its keys' order is the sort's).
  const sort: unknown = cmd['sort'] instanceof Map ? Object.fromEntries(cmd['sort']) : cmd['sort'];
  if (typeof collection !== 'string' || !isRecord(filter)) return [];
  return [
    {
      collection,
      filter,
      ...(isRecord(sort) ? { sort } : {}),
      ...(typeof limit === 'number' && limit > 0 ? { limit } : {}),
    },
  ];
}

/** The filters a command carries: find, update, delete, findAndModify, count, aggregate $match. */
function filtersOf(event: CommandStartedEvent): Observed[] {
  const cmd = event.command as Record<string, unknown>;
  const found: Observed[] = [];
  const add = (collection: unknown, filter: unknown): void => {
    if (typeof collection === 'string' && isRecord(filter)) found.push({ collection, filter });
  };
  switch (event.commandName) {
    case 'find':
      found.push(...findOf(cmd));
      break;
    case 'update':
      for (const u of (cmd['updates'] as unknown[]) ?? []) if (isRecord(u)) add(cmd['update'], u['q']);
      break;
    case 'delete':
      for (const d of (cmd['deletes'] as unknown[]) ?? []) if (isRecord(d)) add(cmd['delete'], d['q']);
      break;
    case 'findAndModify':
      add(cmd['findAndModify'], cmd['query'] ?? {});
      break;
    case 'count':
      add(cmd['count'], cmd['query'] ?? {});
      break;
    case 'aggregate': {
      const first = ((cmd['pipeline'] as unknown[]) ?? [])[0];
      add(cmd['aggregate'], isRecord(first) && isRecord(first['$match']) ? first['$match'] : {});
      break;
    }
    default:
  }
  return found;
}

/** A filter's fields and operators, without its values (an array by the distinct shapes of its items). */
function structureOf(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(structureOf(v))))].sort();
  // A plain object is a level of the filter; a Date, an ObjectId or a Binary is a value.
  if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.keys(value).map((key) => [key, structureOf(value[key])]));
  }
  return '?';
}

/** What makes two queries the same to the planner: collection, filter structure, order, and whether limited. */
function shapeOf({ collection, filter, sort, limit }: Observed): string {
  const order = sort === undefined ? '' : ` sort ${JSON.stringify(sort)}`;
  return `${collection} ${JSON.stringify(structureOf(filter))}${order}${limit === undefined ? '' : ' limit'}`;
}

interface PlanNode {
  type: string;
  /** PostgreSQL's "Index Cond" of an index scan, when there is one. */
  indexCond?: string;
}

/**
 * The nodes of a query plan: PostgreSQL's JSON plan ("Node Type", what FerretDB v2 returns) or
 * MongoDB's ("stage"), for an operator's MongoDB.
 */
function planNodes(plan: unknown, out: PlanNode[] = []): PlanNode[] {
  if (Array.isArray(plan)) {
    for (const p of plan) planNodes(p, out);
  } else if (isRecord(plan)) {
    const type = plan['Node Type'] ?? plan['stage'];
    const indexCond = plan['Index Cond'];
    if (typeof type === 'string') out.push(typeof indexCond === 'string' ? { type, indexCond } : { type });
    for (const value of Object.values(plan)) if (typeof value === 'object') planNodes(value, out);
  }
  return out;
}

/**
 * Whether the plan finds its documents through an index on the queried fields. DocumentDB
 * reads a whole collection as a scan of the `_id_` index on `shard_key_value` alone, so an
 * index scan counts only when its condition is on the document (or on `object_id` for `_id`).
 */
function usesQueryIndex(nodes: PlanNode[]): boolean {
  if (nodes.some((n) => n.type === 'Seq Scan' || n.type === 'COLLSCAN')) return false;
  return nodes.some(
    (n) =>
      /IXSCAN|IDHACK/.test(n.type) || (n.indexCond !== undefined && /document OPERATOR|object_id/.test(n.indexCond)),
  );
}

function record(i: number, createdBy: string): InvoiceRecordData {
  const ref = { cid: `bafy${i.toString(36).padStart(12, '0')}`, sm3: '0'.repeat(64), keyId: randomUUID(), size: 100 };
  return {
    code: '31019999',
    number: String(i).padStart(10, '0'),
    issuerMsp: 'Hospital1MSP',
    issuingUnit: 'District hospital',
    type: 'OUTPATIENT',
    totalAmount: 1000 + i,
    status: 'ISSUED',
    pdf: ref,
    data: ref,
    txId: randomBytes(32).toString('hex'),
    createdBy,
  };
}

async function seedInvoices(connection: Connection, now: Date): Promise<void> {
  const invoices = Array.from({ length: SEED }, (_, i) => {
    const r = record(i, 'seed');
    return { ...r, _id: invoiceRecordId(r.code, r.number), createdAt: now };
  });
  await insertRaw(invoiceRecordModel(connection), invoices);
}

async function seedKeys(connection: Connection, now: Date): Promise<void> {
  const keys = Array.from({ length: SEED }, (_, i) => ({
    keyId: randomUUID(),
    docId: `seed-${i}`,
    kekId: 'kek-seed',
    wrapped: randomBytes(64),
    createdAt: now,
  }));
  await connection.collection(DATA_KEY_COLLECTION).insertMany(keys);
}

async function seedReplays(now: Date): Promise<void> {
  const idem = Array.from({ length: SEED }, (_, i) => ({
    scope: `seed-user-${i % 50}`,
    key: `seed-key-${i}`,
    requestHash: '0'.repeat(64),
    state: 'done',
    statusCode: 201,
    sealedBody: randomBytes(68),
    bodyKeyId: randomUUID(),
    createdAt: now,
    lockedAt: now,
  }));
  await store.documents.idempotencyRecords.collection.insertMany(idem);
}

async function seedGuesses(connection: Connection, now: Date): Promise<void> {
  const guesses = Array.from({ length: SEED }, (_, i) => ({
    at: new Date(now.getTime() - i * 1000),
    username: `seed-user-${i % 50}`,
    mspId: 'InsurerMSP',
    invoice: invoiceRecordId('31019999', String(i % 300).padStart(10, '0')),
    code: '31019999',
    number: String(i % 300).padStart(10, '0'),
    via: 'verify',
    outcome: 'wrong_check_code',
  }));
  await checkCodeFailureModel(connection).collection.insertMany(guesses);
}

async function seed(): Promise<void> {
  const { connection } = store;
  const now = new Date();
  await seedInvoices(connection, now);
  await seedKeys(connection, now);
  await seedReplays(now);
  await seedGuesses(connection, now);
  for (const workload of WORKLOADS) await workload.seed(connection, SEED);
}

/** Every operation the off-chain store, the gateway adapter and the gateway's stores offer, through their real code. */
async function exercise(): Promise<void> {
  const stored = await ports.files.putDocument(`doc-${DATABASE}`, Buffer.from('index test document'));
  await ports.files.getDocument(stored.keyId, stored.cid, stored.sm3);
  const r = { ...record(SEED + 1, 'exercise'), pdf: stored, data: stored };
  await records.upsert(r);
  await records.upsert(r);
  await records.find(r.code, r.number);
  await records.find(r.code, '9999999999');
  await ports.idempotency.begin('user-x', 'key-1', 'a'.repeat(64));
  await ports.idempotency.begin('user-x', 'key-1', 'a'.repeat(64));
  await ports.idempotency.begin('user-x', 'key-1', 'b'.repeat(64));
  await ports.idempotency.complete('user-x', 'key-1', 201, { ok: true });
  await ports.idempotency.begin('user-x', 'key-1', 'a'.repeat(64));
  await ports.idempotency.begin('user-x', 'key-2', 'a'.repeat(64));
  await ports.idempotency.abandon('user-x', 'key-2');
  await ports.files.destroyDocument(stored.keyId);
  await expect(ports.files.getDocument(stored.keyId, stored.cid)).rejects.toThrow();
  const guess = { at: new Date(), username: 'user-x', mspId: 'InsurerMSP', code: r.code, number: r.number };
  const tried = await failures.begin({ ...guess, via: 'verify' });
  const since = new Date(Date.now() - 15 * 60_000);
  await failures.recentOnInvoice(r.code, r.number, since, 21);
  await failures.recentByUser('user-x', since, 31);
  await failures.settle(tried, 'wrong_check_code');
  await failures.withdraw(await failures.begin({ ...guess, via: 'pdf' }));
  for (const workload of WORKLOADS) await workload.exercise(store.connection);
}

/** The off-chain store as connectOffchain builds it, with the blobs kept in memory. */
async function openStore(uri: string): Promise<OffchainStore> {
  const connection = await mongoose
    .createConnection(uri, { autoIndex: false, autoCreate: false, bufferCommands: false })
    .asPromise();
  const keys = MongoKeyStore.forConnection(connection, { kekId: 'kek-index-test', key: randomBytes(32) });
  const documents = createOffchainDocuments(connection, keys);
  for (const model of [
    connection.model(DATA_KEY_MODEL),
    invoiceRecordModel(connection),
    documents.idempotencyRecords,
    checkCodeFailureModel(connection),
    ...WORKLOADS.flatMap((workload) => workload.models.map((register) => register(connection))),
  ]) {
    await model.createIndexes();
  }
  const blobs = new InMemoryBlobStore();
  return {
    connection,
    documents,
    keys,
    blobs,
    files: new SecureFileStore(blobs, keys),
    close: () => connection.close(),
    ping: () => Promise.resolve({ database: 'up', ipfs: 'up', detail: { database: 'ok', ipfs: 'ok' } }),
  };
}

beforeAll(async () => {
  const uri = new URL(mongodbUriFor(DATABASE));
  uri.searchParams.set('monitorCommands', 'true');
  store = await openStore(uri.toString());
  ports = offchainPorts(store);
  records = new MongoInvoiceRecords(invoiceRecordModel(store.connection));
  failures = new MongoCheckCodeFailures(checkCodeFailureModel(store.connection));
  store.connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
    if (recording) observed.push(...filtersOf(event));
  });
  await seed();
  recording = true;
  await exercise();
  recording = false;
}, 120_000);

afterAll(async () => {
  if (store === undefined) return;
  await store.connection.db?.dropDatabase();
  await store.close();
});

describe('indexes behind every query', () => {
  it('saw the queries of every collection the code reads', () => {
    const collections = new Set(observed.map((o) => o.collection));
    expect([...collections].sort()).toEqual([
      'access_log',
      'access_log_sequence',
      'access_requests',
      'check_code_failures',
      'data_keys',
      'empi_audit',
      'empi_links',
      'empi_residents',
      'idempotency_records',
      'invoice_records',
      'notifications',
      'record_contents',
      'record_entries',
      'record_quality_daily',
      'record_quality_errors',
      'share_links',
    ]);
  });

  it('explains each distinct query as an index scan, never a collection scan', async () => {
    const db = store.connection.db;
    if (db === undefined) throw new Error('not connected');
    const distinct = new Map<string, Observed>();
    for (const o of observed) {
      const shape = shapeOf(o);
      if (!distinct.has(shape)) distinct.set(shape, o);
    }
    expect(distinct.size).toBeGreaterThanOrEqual(50);
    const scans: Record<string, PlanNode[]> = {};
    for (const [shape, { collection, filter, sort, limit }] of distinct) {
      const explained = await db.command({
        explain: { find: collection, filter, ...(sort === undefined ? {} : { sort }), ...(limit ? { limit } : {}) },
        verbosity: 'queryPlanner',
      });
      scans[shape] = planNodes(explained['queryPlanner']);
    }
    const unindexed = Object.entries(scans)
      .filter(([, nodes]) => !usesQueryIndex(nodes))
      .map(([shape, nodes]) => ({ shape, plan: nodes.map((n) => n.indexCond ?? n.type) }));
    expect(unindexed).toEqual([]);
  });
});
