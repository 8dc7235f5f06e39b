import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { openEnvelope, sealEnvelope } from '../crypto/envelope';
import { binaryToBuffer, parseStoredDate, toDatabaseError } from '../database';
import { OffchainError } from '../errors';
import { parseKey32, parseKeyId, parseText } from '../validation';
import { dataKeyModel } from './data-key-model';
import type { DataKeyModel } from './data-key-model';
import { DATA_KEY_BYTES } from './key-store';
import type { DataKey, KeyStore } from './key-store';

/** The key-encryption key that wraps every data key, and the id recorded with each wrapped key. */
export interface KeyEncryptionKey {
  readonly kekId: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/**
 * Data keys in a MongoDB-wire collection, each sealed (SM4-CBC + HMAC-SM3 envelope) under the KEK.
 * Only the wrapped form is ever written; destroyDataKey removes it (crypto-shredding).
 */
export class MongoKeyStore implements KeyStore {
  readonly #model: DataKeyModel;
  readonly #kekId: string;
  readonly #kek: Buffer;

  constructor(model: DataKeyModel, kek: KeyEncryptionKey) {
    this.#model = model;
    this.#kekId = parseText(kek.kekId, 'kekId', 128);
    this.#kek = Buffer.from(parseKey32(kek.key, 'kek'));
  }

  static forConnection(connection: Connection, kek: KeyEncryptionKey): MongoKeyStore {
    return new MongoKeyStore(dataKeyModel(connection), kek);
  }

  get kekId(): string {
    return this.#kekId;
  }

  async createDataKey(docId: string): Promise<DataKey> {
    const id = parseText(docId, 'docId');
    const key = randomBytes(DATA_KEY_BYTES);
    const keyId = randomUUID();
    const wrapped = sealEnvelope(key, this.#kek);
    try {
      await this.#model.create({ keyId, docId: id, kekId: this.#kekId, wrapped, createdAt: new Date() });
    } catch (error) {
      key.fill(0);
      throw toDatabaseError(error, 'storing data key');
    }
    return { keyId, key };
  }

  async getDataKey(keyId: string): Promise<Buffer> {
    const id = parseKeyId(keyId);
    let raw: unknown;
    try {
      raw = await this.#model.findOne({ keyId: id }).lean().exec();
    } catch (error) {
      throw toDatabaseError(error, 'reading data key');
    }
    if (typeof raw !== 'object' || raw === null) throw new OffchainError('KEY_NOT_FOUND', `keyId ${id} does not exist`);
    const destroyedAt = parseStoredDate(Reflect.get(raw, 'destroyedAt'));
    const wrapped = binaryToBuffer(Reflect.get(raw, 'wrapped'));
    if (destroyedAt !== undefined || wrapped === undefined) {
      throw new OffchainError('KEY_DESTROYED', `keyId ${id} was destroyed`);
    }
    const kekId: unknown = Reflect.get(raw, 'kekId');
    if (kekId !== this.#kekId) {
      throw new OffchainError(
        'KEK_UNAVAILABLE',
        `keyId ${id} is wrapped under a key-encryption key this store was not given`,
      );
    }
    let key: Buffer;
    try {
      key = openEnvelope(wrapped, this.#kek);
    } catch (error) {
      throw new OffchainError('TAMPERED_CIPHERTEXT', `wrapped data key ${id} failed authentication`, { cause: error });
    }
    if (key.length !== DATA_KEY_BYTES) {
      key.fill(0);
      throw new OffchainError('TAMPERED_CIPHERTEXT', `wrapped data key ${id} has the wrong length`);
    }
    return key;
  }

  async destroyDataKey(keyId: string): Promise<void> {
    const id = parseKeyId(keyId);
    try {
      const result = await this.#model
        .updateOne({ keyId: id, destroyedAt: null }, { $set: { destroyedAt: new Date() }, $unset: { wrapped: 1 } })
        .exec();
      if (result.matchedCount > 0) return;
      const exists = await this.#model.exists({ keyId: id }).exec();
      if (exists === null) throw new OffchainError('KEY_NOT_FOUND', `keyId ${id} does not exist`);
    } catch (error) {
      throw toDatabaseError(error, 'destroying data key');
    }
  }
}
