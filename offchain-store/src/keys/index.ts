export { DATA_KEY_BYTES } from './key-store';
export type { DataKey, KeyStore } from './key-store';
export { MongoKeyStore } from './mongo-key-store';
export type { KeyEncryptionKey } from './mongo-key-store';
export { InMemoryKeyStore } from './in-memory-key-store';
export { DATA_KEY_COLLECTION, DATA_KEY_MODEL, dataKeyModel, dataKeySchema } from './data-key-model';
export type { DataKeyModel, DataKeyRecord } from './data-key-model';
