import { INVOICE_STATUSES, INVOICE_TYPES, type InvoiceStatus, type InvoiceType } from '@hdt/vocabulary';
import { z } from 'zod';
import { invoiceRecordId, type InvoiceRecordModel } from './record-model';

/** Off-chain record of an issued invoice (no clear personal data). */
export interface InvoiceRecordData {
  code: string;
  number: string;
  issuerMsp: string;
  /** The unit name the org registry on the ledger held at issue (the chain's answer). */
  issuingUnit: string;
  type: InvoiceType;
  totalAmount: number;
  /** The status when this record was last written; the ledger holds the current one. */
  status: InvoiceStatus;
  pdf: StoredRef;
  data: StoredRef;
  txId: string;
  /** Documents of earlier revisions an update replaced (absent until the first update). */
  superseded?: { pdf: StoredRef; data: StoredRef; txId: string }[] | undefined;
  createdBy: string;
}

export interface StoredRef {
  cid: string;
  sm3: string;
  keyId: string;
  size: number;
}

export interface InvoiceRecords {
  /** Inserts or replaces the record of (code, number); repeating it is harmless. */
  upsert(record: InvoiceRecordData): Promise<void>;
  find(code: string, number: string): Promise<InvoiceRecordData | undefined>;
  /** One issuer's records in `code/number` order, after `after`. */
  listByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<InvoiceRecordData[]>;
}

export const storedRefSchema = z.object({
  cid: z.string(),
  sm3: z.string(),
  keyId: z.string(),
  size: z.number().int().min(0),
});

const withSize = (ref: Omit<StoredRef, 'size'> & { size?: number | undefined }): StoredRef => ({
  cid: ref.cid,
  sm3: ref.sm3,
  keyId: ref.keyId,
  size: ref.size ?? 0,
});

const invoiceRecordSchema = z.object({
  code: z.string(),
  number: z.string(),
  issuerMsp: z.string(),
  issuingUnit: z.string(),
  type: z.enum(INVOICE_TYPES),
  totalAmount: z.number(),
  status: z.enum(INVOICE_STATUSES),
  pdf: storedRefSchema,
  data: storedRefSchema.extend({ size: z.number().int().min(0).optional() }),
  txId: z.string(),
  superseded: z
    .array(
      z.object({
        pdf: storedRefSchema,
        data: storedRefSchema.extend({ size: z.number().int().min(0).optional() }),
        txId: z.string(),
      }),
    )
    .optional(),
  createdBy: z.string(),
});

function fromStored(raw: unknown, which: string): InvoiceRecordData {
  const parsed = invoiceRecordSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invoice record ${which} has an unexpected shape`);
  const { superseded, ...r } = parsed.data;
  return {
    ...r,
    data: withSize(r.data),
    ...(superseded === undefined
      ? {}
      : { superseded: superseded.map((old) => ({ pdf: old.pdf, data: withSize(old.data), txId: old.txId })) }),
  };
}

/** Invoice records in the document database. */
export class MongoInvoiceRecords implements InvoiceRecords {
  constructor(private readonly model: InvoiceRecordModel) {}

  async upsert(record: InvoiceRecordData): Promise<void> {
    const { code, number, ...rest } = record;
    await this.model
      .updateOne(
        { _id: invoiceRecordId(code, number) },
        { $set: rest, $setOnInsert: { code, number, createdAt: new Date() } },
        { upsert: true, runValidators: true },
      )
      .exec();
  }

  async find(code: string, number: string): Promise<InvoiceRecordData | undefined> {
    const raw: unknown = await this.model
      .findOne({ _id: invoiceRecordId(code, number) })
      .lean()
      .exec();
    if (raw === null || raw === undefined) return undefined;
    return fromStored(raw, `${code}/${number}`);
  }

  async listByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<InvoiceRecordData[]> {
    const rows: unknown[] = await this.model
      .find({ issuerMsp, ...(after === undefined ? {} : { _id: { $gt: after } }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()
      .exec();
    return rows.map((raw) => fromStored(raw, 'of the list'));
  }
}
