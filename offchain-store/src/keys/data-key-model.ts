import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';

export const DATA_KEY_MODEL = 'DataKey';
export const DATA_KEY_COLLECTION = 'data_keys';

/** A data key record. `wrapped` is the data key sealed under the KEK; removed on destruction. */
export interface DataKeyRecord {
  keyId: string;
  docId: string;
  kekId: string;
  wrapped?: Buffer | null;
  createdAt: Date;
  destroyedAt?: Date | null;
}

export type DataKeyModel = Model<DataKeyRecord>;

export const dataKeySchema = new Schema<DataKeyRecord>(
  {
    keyId: { type: String, required: true },
    docId: { type: String, required: true, maxlength: 256 },
    kekId: { type: String, required: true, maxlength: 128 },
    wrapped: { type: Buffer, required: false },
    createdAt: { type: Date, required: true, default: () => new Date() },
    destroyedAt: { type: Date, required: false },
  },
  { collection: DATA_KEY_COLLECTION, versionKey: false, strict: 'throw' },
);
dataKeySchema.index({ keyId: 1 }, { unique: true, name: 'keyId_unique' });
dataKeySchema.index({ docId: 1 }, { name: 'docId' });

/** The DataKey model on the given connection (registered once per connection). */
export function dataKeyModel(connection: Connection): DataKeyModel {
  if (connection.modelNames().includes(DATA_KEY_MODEL)) return connection.model<DataKeyRecord>(DATA_KEY_MODEL);
  return connection.model<DataKeyRecord>(DATA_KEY_MODEL, dataKeySchema, DATA_KEY_COLLECTION);
}
