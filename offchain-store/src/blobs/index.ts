export type { BlobStore } from './blob-store';
export { InMemoryBlobStore } from './in-memory-blob-store';
export { createKuboClient, KuboBlobStore } from './kubo-blob-store';
export type { KuboBlobStoreOptions, KuboClientLike } from './kubo-blob-store';
export { CachedBlobStore } from './cached-blob-store';
export type { BlobCacheOptions } from './cached-blob-store';
