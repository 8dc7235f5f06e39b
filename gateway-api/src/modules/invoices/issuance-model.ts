import { INVOICE_STATUSES, INVOICE_TYPES, type InvoiceStatus, type InvoiceType } from '@hdt/vocabulary';
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';

export const ISSUANCE_MODEL = 'InvoiceIssuance';
export const ISSUANCE_COLLECTION = 'invoice_issuances';

/**
 * The steps of issuing one invoice, each recorded before it runs:
 * STORING (documents being encrypted into IPFS) → ANCHORING (summary being submitted to the
 * ledger) → RECORDING (on chain; off-chain record being saved) → DONE. An issuance the ledger
 * refuses, or one interrupted while storing, is compensated (documents discarded) and removed.
 */
export const ISSUANCE_STATES = ['STORING', 'ANCHORING', 'RECORDING', 'DONE'] as const;
export type IssuanceState = (typeof ISSUANCE_STATES)[number];
export const OPEN_ISSUANCE_STATES: readonly IssuanceState[] = ['STORING', 'ANCHORING', 'RECORDING'];

export interface IssuanceDocumentRef {
  cid: string;
  sm3: string;
  keyId: string;
  size: number;
}

/** What the chain answered when the summary landed. */
export interface IssuanceAnchor {
  txId: string;
  issuerMsp: string;
  issuingUnit: string;
  status: InvoiceStatus;
  type: InvoiceType;
  totalAmount: number;
}

/** Holds no clear personal data: the ledger input is the summary that goes on chain anyway. */
export interface IssuanceDocument {
  /** `code/number`: one issuance per invoice. */
  _id: string;
  code: string;
  number: string;
  state: IssuanceState;
  owner: { username: string; mspId: string };
  /** SM3 of the request (invoice data and PDF digest): tells a repeated request from another one. */
  requestHash: string;
  idempotency?: { scope: string; key: string } | null;
  /** Prefix of the documents' ids in the key store. */
  docBase: string;
  dataDoc?: IssuanceDocumentRef | null;
  pdfDoc?: IssuanceDocumentRef | null;
  /** Canonical JSON of the Issue input, once both documents are stored. */
  ledgerInput?: string | null;
  anchor?: IssuanceAnchor | null;
  attempts: number;
  lastError?: string | null;
  /** Who runs it now; every step is written only under the lease it was started with. */
  lease: string;
  /** Until then the lease holder runs it; afterwards the recovery worker may take it over. */
  dueAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type IssuanceModel = Model<IssuanceDocument>;

const documentRefSchema = new Schema<IssuanceDocumentRef>(
  {
    cid: { type: String, required: true, maxlength: 256 },
    sm3: { type: String, required: true, maxlength: 64 },
    keyId: { type: String, required: true, maxlength: 64 },
    size: { type: Number, required: true, min: 0 },
  },
  { _id: false, strict: 'throw' },
);

const anchorSchema = new Schema<IssuanceAnchor>(
  {
    txId: { type: String, required: true, maxlength: 128 },
    issuerMsp: { type: String, required: true, maxlength: 64 },
    issuingUnit: { type: String, required: true, maxlength: 1024 },
    status: { type: String, required: true, enum: INVOICE_STATUSES },
    type: { type: String, required: true, enum: INVOICE_TYPES },
    totalAmount: { type: Number, required: true, min: 0 },
  },
  { _id: false, strict: 'throw' },
);

export const issuanceSchema = new Schema<IssuanceDocument>(
  {
    _id: { type: String },
    code: { type: String, required: true, maxlength: 32 },
    number: { type: String, required: true, maxlength: 32 },
    state: { type: String, required: true, enum: ISSUANCE_STATES },
    owner: {
      type: new Schema(
        {
          username: { type: String, required: true, maxlength: 128 },
          mspId: { type: String, required: true, maxlength: 64 },
        },
        { _id: false, strict: 'throw' },
      ),
      required: true,
    },
    requestHash: { type: String, required: true, maxlength: 128 },
    idempotency: {
      type: new Schema(
        {
          scope: { type: String, required: true, maxlength: 128 },
          key: { type: String, required: true, maxlength: 255 },
        },
        { _id: false, strict: 'throw' },
      ),
      required: false,
    },
    docBase: { type: String, required: true, maxlength: 256 },
    dataDoc: { type: documentRefSchema, required: false },
    pdfDoc: { type: documentRefSchema, required: false },
    ledgerInput: { type: String, required: false, maxlength: 16_384 },
    anchor: { type: anchorSchema, required: false },
    attempts: { type: Number, required: true, min: 0 },
    lastError: { type: String, required: false, maxlength: 1024 },
    lease: { type: String, required: true, maxlength: 64 },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: ISSUANCE_COLLECTION, versionKey: false, strict: 'throw' },
);
// The recovery worker's query: open issuances whose lease has run out.
issuanceSchema.index({ state: 1, dueAt: 1 }, { name: 'state_due' });

/** The issuance model on the given connection (registered once per connection). */
export function issuanceModel(connection: Connection): IssuanceModel {
  if (connection.modelNames().includes(ISSUANCE_MODEL)) return connection.model<IssuanceDocument>(ISSUANCE_MODEL);
  return connection.model<IssuanceDocument>(ISSUANCE_MODEL, issuanceSchema, ISSUANCE_COLLECTION);
}
