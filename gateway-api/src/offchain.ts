import { connectOffchain, type OffchainStore } from '@hdt/offchain-store';
import { z } from 'zod';
import { INVOICE_TYPES } from '@hdt/vocabulary';
import type { Config } from './config';
import type { InvoiceRecordData, InvoiceRecords, OffchainPorts } from './services/ports';

/*
 * The one place that knows the shape of `@hdt/offchain-store`'s connection object; the services
 * only see the small interfaces of services/ports.ts.
 */

const storedRefSchema = z.object({
  cid: z.string(),
  sm3: z.string(),
  keyId: z.string(),
  size: z.number().int().min(0),
});

const invoiceRecordSchema = z.object({
  code: z.string(),
  number: z.string(),
  issuerMsp: z.string(),
  issuingUnit: z.string(),
  type: z.enum(INVOICE_TYPES),
  totalAmount: z.number(),
  status: z.string(),
  pdf: storedRefSchema,
  data: storedRefSchema.extend({ size: z.number().int().min(0).optional() }),
  txId: z.string(),
  createdBy: z.string(),
});

type InvoiceModel = OffchainStore['documents']['invoices'];

class MongoInvoiceRecords implements InvoiceRecords {
  constructor(private readonly model: InvoiceModel) {}

  async upsert(record: InvoiceRecordData): Promise<void> {
    const { code, number, ...rest } = record;
    await this.model
      .updateOne(
        { code, number },
        { $set: rest, $setOnInsert: { code, number, createdAt: new Date() } },
        { upsert: true, runValidators: true },
      )
      .exec();
  }

  async find(code: string, number: string): Promise<InvoiceRecordData | undefined> {
    const raw: unknown = await this.model.findOne({ code, number }).lean().exec();
    if (raw === null || raw === undefined) return undefined;
    const parsed = invoiceRecordSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invoice record ${code}/${number} has an unexpected shape`);
    const r = parsed.data;
    return { ...r, data: { cid: r.data.cid, sm3: r.data.sm3, keyId: r.data.keyId, size: r.data.size ?? 0 } };
  }
}

/** Adapts a connected off-chain store to the ports the services use. */
export function offchainPorts(store: OffchainStore): OffchainPorts {
  const { documents, files } = store;
  return {
    files: {
      putDocument: (docId, plaintext) => files.putDocument(docId, plaintext),
      getDocument: (keyId, cid, expectedSm3) => files.getDocument(keyId, cid, expectedSm3),
      destroyDocument: (keyId) => files.destroyDocument(keyId),
    },
    records: new MongoInvoiceRecords(documents.invoices),
    idempotency: {
      begin: (scope, key, requestHash) => documents.beginIdempotent(scope, key, requestHash),
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

/** Connects to MongoDB and IPFS with the gateway's configuration. */
export function connectStore(config: Config): Promise<OffchainStore> {
  return connectOffchain({
    mongodbUri: config.mongodbUri,
    ipfsApiUrl: config.ipfsApiUrl,
    kekHex: config.dataKekHex,
    ...(config.dataKekId === undefined ? {} : { kekId: config.dataKekId }),
  });
}
