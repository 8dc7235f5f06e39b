import { connectOffchain, type ModelRegistration, type OffchainStore } from '@hdt/offchain-store';
import type { Config } from './config';
import type { OffchainPorts } from './ports';

/*
 * The one place that knows the shape of `@hdt/offchain-store`'s connection object; the services
 * only see the small interfaces of ports.ts.
 */

/** Adapts a connected off-chain store to the ports the services use. */
export function offchainPorts(store: OffchainStore): OffchainPorts {
  const { documents, files } = store;
  return {
    files: {
      putDocument: (docId, plaintext) => files.putDocument(docId, plaintext),
      getDocument: (keyId, cid, expectedSm3) => files.getDocument(keyId, cid, expectedSm3),
      destroyDocument: (keyId) => files.destroyDocument(keyId),
      discardDocument: (keyId, cid) => files.discardDocument(keyId, cid),
    },
    idempotency: {
      begin: (scope, key, requestHash) => documents.beginIdempotent(scope, key, requestHash),
      recordAttempts: (scope, key, txIds) => documents.recordIdempotentAttempts(scope, key, txIds),
      recordProgress: (scope, key, progress) => documents.recordIdempotentProgress(scope, key, progress),
      complete: (scope, key, statusCode, body) => documents.completeIdempotent(scope, key, statusCode, body),
      abandon: (scope, key) => documents.abandonIdempotent(scope, key),
    },
    ping: async () => {
      const health = await store.ping();
      return {
        database: { state: health.database, detail: health.detail.database },
        ipfs: { state: health.ipfs, detail: health.detail.ipfs },
      };
    },
  };
}

/** Connects to MongoDB and IPFS with the gateway's configuration; `models` get their indexes ensured. */
export function connectStore(config: Config, models: readonly ModelRegistration[] = []): Promise<OffchainStore> {
  return connectOffchain({
    models,
    mongodbUri: config.mongodbUri,
    ipfsApiUrl: config.ipfsApiUrl,
    kekHex: config.dataKekHex,
    blobCacheBytes: config.blobCacheBytes,
    idempotencyStaleAfterMs: config.idempotencyStaleAfterMs,
    ...(config.dataKekId === undefined ? {} : { kekId: config.dataKekId }),
  });
}
