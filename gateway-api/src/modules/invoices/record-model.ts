import {
  HEX64,
  INVOICE_CODE,
  INVOICE_NUMBER,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  type InvoiceStatus,
  type InvoiceType,
  textProblem,
  UNIT_NAME_MAX,
} from '@hdt/vocabulary';
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';

export const INVOICE_RECORD_MODEL = 'InvoiceRecord';
export const INVOICE_RECORD_COLLECTION = 'invoice_records';

/** Reference to the encrypted PDF (a SecureFileStore.putDocument result). */
export interface StoredFileRef {
  cid: string;
  sm3: string;
  keyId: string;
  size: number;
}

/** Reference to the encrypted structured data; `size` is optional. */
export interface StoredDataRef {
  cid: string;
  sm3: string;
  keyId: string;
  size?: number;
}

/**
 * Off-chain index of an issued invoice. Holds no clear personal data: the structured data
 * (payer, items, visit) lives only encrypted in the blob store.
 */
export interface InvoiceRecord {
  /** `code/number` (see invoiceRecordId): lookups go through the primary key. */
  _id: string;
  code: string;
  number: string;
  issuerMsp: string;
  /** The unit name the org registry on the ledger held at issue. */
  issuingUnit: string;
  type: InvoiceType;
  /** Integer fen. */
  totalAmount: number;
  /** The status when this record was last written; the ledger holds the current one. */
  status: InvoiceStatus;
  pdf: StoredFileRef;
  data: StoredDataRef;
  txId: string;
  /** The documents earlier revisions anchored, replaced by `invoice:Update`; kept for the history. */
  superseded?: SupersededDocuments[];
  /** User id of the clerk who issued it. */
  createdBy: string;
  createdAt: Date;
}

/** The documents of one revision an update replaced, and the transaction that had anchored them. */
export interface SupersededDocuments {
  pdf: StoredFileRef;
  data: StoredDataRef;
  txId: string;
}

export type InvoiceRecordModel = Model<InvoiceRecord>;

const SM3_HEX = HEX64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CID_TEXT = /^[A-Za-z0-9-]{8,256}$/;

function isNonNegativeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * The record's `_id`: `code/number`. Lookups by it use the collection's primary key; a compound
 * (code, number) index would scan every entry of the code's few values (a hospital issues
 * millions of numbers under a handful of codes).
 */
export function invoiceRecordId(code: string, number: string): string {
  return `${code}/${number}`;
}

const fileRefSchema = new Schema<StoredFileRef>(
  {
    cid: { type: String, required: true, match: CID_TEXT },
    sm3: { type: String, required: true, match: SM3_HEX },
    keyId: { type: String, required: true, match: UUID },
    size: {
      type: Number,
      required: true,
      validate: { validator: isNonNegativeInteger, message: 'size must be a non-negative integer' },
    },
  },
  { _id: false, strict: 'throw' },
);

const dataRefSchema = new Schema<StoredDataRef>(
  {
    cid: { type: String, required: true, match: CID_TEXT },
    sm3: { type: String, required: true, match: SM3_HEX },
    keyId: { type: String, required: true, match: UUID },
    size: {
      type: Number,
      required: false,
      validate: { validator: isNonNegativeInteger, message: 'size must be a non-negative integer' },
    },
  },
  { _id: false, strict: 'throw' },
);

const supersededSchema = new Schema<SupersededDocuments>(
  {
    pdf: { type: fileRefSchema, required: true },
    data: { type: dataRefSchema, required: true },
    txId: { type: String, required: true, minlength: 1, maxlength: 128 },
  },
  { _id: false, strict: 'throw' },
);

export const invoiceRecordSchema = new Schema<InvoiceRecord>(
  {
    _id: { type: String },
    code: { type: String, required: true, match: INVOICE_CODE },
    number: { type: String, required: true, match: INVOICE_NUMBER },
    issuerMsp: { type: String, required: true, match: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ },
    // The registry's own text rule (code points, not UTF-16 units): any name the chain accepts fits here.
    issuingUnit: {
      type: String,
      required: true,
      validate: {
        validator: (value: string) => textProblem(value, 1, UNIT_NAME_MAX) === undefined,
        message: `issuingUnit must follow the registry's unit-name rule (1..${UNIT_NAME_MAX} characters)`,
      },
    },
    type: { type: String, required: true, enum: INVOICE_TYPES },
    totalAmount: {
      type: Number,
      required: true,
      validate: { validator: isPositiveInteger, message: 'totalAmount must be a positive integer (fen)' },
    },
    status: { type: String, required: true, enum: INVOICE_STATUSES },
    pdf: { type: fileRefSchema, required: true },
    data: { type: dataRefSchema, required: true },
    txId: { type: String, required: true, minlength: 1, maxlength: 128 },
    superseded: { type: [supersededSchema], required: false, default: undefined },
    createdBy: { type: String, required: true, minlength: 1, maxlength: 128 },
    createdAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: INVOICE_RECORD_COLLECTION, versionKey: false, strict: 'throw' },
);
// The reconciler pages through one issuer's records in id order.
invoiceRecordSchema.index({ issuerMsp: 1, _id: 1 }, { name: 'issuer_id' });
invoiceRecordSchema.pre('validate', function deriveId() {
  this._id = invoiceRecordId(this.code, this.number);
});

/** The InvoiceRecord model on the given connection (registered once per connection). */
export function invoiceRecordModel(connection: Connection): InvoiceRecordModel {
  if (connection.modelNames().includes(INVOICE_RECORD_MODEL))
    return connection.model<InvoiceRecord>(INVOICE_RECORD_MODEL);
  return connection.model<InvoiceRecord>(INVOICE_RECORD_MODEL, invoiceRecordSchema, INVOICE_RECORD_COLLECTION);
}
