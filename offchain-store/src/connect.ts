import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import type { BlobStore } from './blobs/blob-store';
import { CachedBlobStore } from './blobs/cached-blob-store';
import { KuboBlobStore } from './blobs/kubo-blob-store';
import { hmacSm3Hex } from './crypto/sm3';
import { createOffchainDocuments, purgePlaintextReplays } from './documents';
import type { OffchainDocuments } from './documents';
import { describeError, OffchainError } from './errors';
import { SecureFileStore } from './files/secure-file-store';
import { dataKeyModel } from './keys/data-key-model';
import type { KeyStore } from './keys/key-store';
import { MongoKeyStore } from './keys/mongo-key-store';
import { parseHexKey32, parsePositiveInt, parseText } from './validation';

export interface ConnectOptions {
  /** mongodb:// or mongodb+srv:// URI of a MongoDB-wire server (MongoDB or FerretDB). */
  readonly mongodbUri: string;
  /** Kubo RPC API address, e.g. http://127.0.0.1:5001 (or a multiaddr). */
  readonly ipfsApiUrl: string;
  /** Key-encryption key for data keys: 64 hex characters (32 bytes). */
  readonly kekHex: string;
  /** Id recorded with every wrapped key; defaults to one derived from the KEK (see deriveKekId). */
  readonly kekId?: string;
  /** How long to wait for the database when connecting and per operation (default 10 000 ms). */
  readonly serverSelectionTimeoutMs?: number;
  /** Per-call limit for IPFS RPC calls (default 30 000 ms). */
  readonly ipfsTimeoutMs?: number;
  /** Largest blob read back from IPFS (default 64 MiB). */
  readonly maxBlobBytes?: number;
  /** Bytes of blobs kept in memory in front of IPFS (default 32 MiB; 0 keeps none). See CachedBlobStore. */
  readonly blobCacheBytes?: number;
  /** Limit for each dependency check in ping() (default 3 000 ms). */
  readonly pingTimeoutMs?: number;
  /** See IdempotencyOptions.staleAfterMs (default 5 minutes). */
  readonly idempotencyStaleAfterMs?: number;
  /** Models of the caller's own documents: registered on the connection, their indexes ensured. */
  readonly models?: readonly ModelRegistration[];
}

/** Registers a model on a connection (once per connection) and returns it. */
export type ModelRegistration = (connection: Connection) => { createIndexes(): Promise<unknown> };

export type DependencyState = 'up' | 'down';

export interface OffchainHealth {
  readonly database: DependencyState;
  readonly ipfs: DependencyState;
  /** 'ok' or a short reason per dependency (never credentials). */
  readonly detail: { readonly database: string; readonly ipfs: string };
}

export interface OffchainStore {
  /** The dedicated mongoose connection (other components may register models on it). */
  readonly connection: Connection;
  readonly documents: OffchainDocuments;
  readonly keys: KeyStore;
  readonly blobs: BlobStore;
  readonly files: SecureFileStore;
  /** Closes the database connection; safe to call twice. */
  close(): Promise<void>;
  /** Checks both dependencies; never throws. */
  ping(): Promise<OffchainHealth>;
}

const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 10_000;
const DEFAULT_PING_TIMEOUT_MS = 3_000;

/** A stable, non-secret id for a KEK: "kek-" + first 16 hex of HMAC-SM3(kek, "hdt/kek-id"). */
export function deriveKekId(kek: Uint8Array): string {
  return `kek-${hmacSm3Hex(kek, 'hdt/kek-id').slice(0, 16)}`;
}

function parseMongoUri(value: unknown): string {
  const uri = parseText(value, 'mongodbUri', 2048);
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) {
    throw new OffchainError('INVALID_ARGUMENT', 'mongodbUri must start with mongodb:// or mongodb+srv://');
  }
  return uri;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ParsedOptions {
  mongodbUri: string;
  ipfsApiUrl: string;
  kek: Buffer;
  kekId: string;
  serverSelectionTimeoutMS: number;
  pingTimeoutMs: number;
}

function parseOptions(options: ConnectOptions): ParsedOptions {
  const mongodbUri = parseMongoUri(options.mongodbUri);
  const ipfsApiUrl = parseText(options.ipfsApiUrl, 'ipfsApiUrl', 2048);
  const kek = parseHexKey32(options.kekHex, 'kekHex');
  const kekId = options.kekId === undefined ? deriveKekId(kek) : parseText(options.kekId, 'kekId', 128);
  const serverSelectionTimeoutMS = parsePositiveInt(
    options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    'serverSelectionTimeoutMs',
  );
  const pingTimeoutMs = parsePositiveInt(options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS, 'pingTimeoutMs');
  return { mongodbUri, ipfsApiUrl, kek, kekId, serverSelectionTimeoutMS, pingTimeoutMs };
}

/** Kubo, with the most recently used blobs kept in memory in front of it. */
async function blobStore(ipfsApiUrl: string, options: ConnectOptions): Promise<BlobStore> {
  const kubo = await KuboBlobStore.connect(ipfsApiUrl, {
    ...(options.ipfsTimeoutMs === undefined ? {} : { timeoutMs: options.ipfsTimeoutMs }),
    ...(options.maxBlobBytes === undefined ? {} : { maxBytes: options.maxBlobBytes }),
  });
  return new CachedBlobStore(kubo, options.blobCacheBytes === undefined ? {} : { maxBytes: options.blobCacheBytes });
}

/**
 * Connects to the document database (a dedicated mongoose connection), ensures the indexes
 * ((scope, key), keyId, and those of the caller's `models`), removes idempotency records an
 * earlier version stored in clear, and builds the key store, the Kubo blob store and the secure
 * file store. Fails with DATABASE_UNAVAILABLE if the database cannot be reached;
 * IPFS is not contacted here (see ping()).
 */
export async function connectOffchain(options: ConnectOptions): Promise<OffchainStore> {
  const parsed = parseOptions(options);
  const blobs = await blobStore(parsed.ipfsApiUrl, options);
  const connection = mongoose.createConnection(parsed.mongodbUri, {
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
    serverSelectionTimeoutMS: parsed.serverSelectionTimeoutMS,
  });
  try {
    await connection.asPromise();
    const dataKeys = dataKeyModel(connection);
    const keys = new MongoKeyStore(dataKeys, { kekId: parsed.kekId, key: parsed.kek });
    const documents = createOffchainDocuments(
      connection,
      keys,
      options.idempotencyStaleAfterMs === undefined ? {} : { staleAfterMs: options.idempotencyStaleAfterMs },
    );
    // One index build at a time.
    const models = [dataKeys, documents.idempotencyRecords, ...(options.models ?? []).map((m) => m(connection))];
    for (const model of models) {
      await model.createIndexes();
    }
    await purgePlaintextReplays(documents.idempotencyRecords);
    return assemble(connection, documents, keys, blobs, parsed.pingTimeoutMs);
  } catch (error) {
    await connection.close().catch(() => undefined);
    if (error instanceof OffchainError) throw error;
    throw new OffchainError('DATABASE_UNAVAILABLE', `connecting to the document database: ${describeError(error)}`, {
      cause: error,
    });
  } finally {
    // The key store keeps its own copy.
    parsed.kek.fill(0);
  }
}

function assemble(
  connection: Connection,
  documents: OffchainDocuments,
  keys: KeyStore,
  blobs: BlobStore,
  pingTimeoutMs: number,
): OffchainStore {
  const pingDatabase = async (): Promise<void> => {
    const db = connection.db;
    if (db === undefined) throw new Error('not connected');
    await db.command({ ping: 1 });
  };
  return {
    connection,
    documents,
    keys,
    blobs,
    files: new SecureFileStore(blobs, keys),
    close: async () => {
      await connection.close();
    },
    ping: async () => {
      const [database, ipfs] = await Promise.all([
        check(pingDatabase, pingTimeoutMs, 'database'),
        check(() => blobs.ping(), pingTimeoutMs, 'IPFS'),
      ]);
      return { database: database.state, ipfs: ipfs.state, detail: { database: database.detail, ipfs: ipfs.detail } };
    },
  };
}

async function check(
  probe: () => Promise<void>,
  ms: number,
  what: string,
): Promise<{ state: DependencyState; detail: string }> {
  try {
    await withTimeout(probe(), ms, what);
    return { state: 'up', detail: 'ok' };
  } catch (error) {
    return { state: 'down', detail: describeError(error) };
  }
}
