/**
 * The query model the projection keeps: one document per invoice, as of its latest revision on
 * chain, shaped for lists and statistics; and the listener's checkpoint.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export const INVOICE_VIEW_COLLECTION = 'invoice_views';
export const CHECKPOINT_COLLECTION = 'projection_checkpoints';

export interface PayerShare {
  payerMsp: string;
  amount: number;
  /** Day of the reimbursement, China Standard Time (YYYY-MM-DD). */
  day: string;
}

export interface InvoiceViewDoc {
  /** `code/number` */
  _id: string;
  code: string;
  number: string;
  kind: string;
  type: string;
  issuerMsp: string;
  issuingUnit: string;
  status: string;
  totalAmount: number;
  reimbursableAmount: number;
  reimbursedAmount: number;
  /** Day of issue, China Standard Time (YYYY-MM-DD). */
  issuedDay: string;
  /** Time of issue (ISO 8601, UTC), as on chain. */
  issuedAt: string;
  reimbursements: PayerShare[];
  revision: number;
  lastTxId: string;
  updatedAt: string;
  /** Block of the transaction that made this revision. */
  blockNumber: number;
}

/**
 * The shape of the query model. A checkpoint written for another shape (or none) makes the
 * projection rebuild the model from the first block: its documents may lack fields this one needs.
 */
export const PROJECTION_MODEL_VERSION = 2;

export interface CheckpointDoc {
  _id: string;
  blockNumber: string;
  transactionId: string;
  modelVersion?: number;
}

const shareSchema = new Schema<PayerShare>(
  {
    payerMsp: { type: String, required: true },
    amount: { type: Number, required: true },
    day: { type: String, required: true },
  },
  { _id: false },
);

const viewSchema = new Schema<InvoiceViewDoc>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    number: { type: String, required: true },
    kind: { type: String, required: true },
    type: { type: String, required: true },
    issuerMsp: { type: String, required: true },
    issuingUnit: { type: String, required: true },
    status: { type: String, required: true },
    totalAmount: { type: Number, required: true },
    reimbursableAmount: { type: Number, required: true },
    reimbursedAmount: { type: Number, required: true },
    issuedDay: { type: String, required: true },
    issuedAt: { type: String, required: true },
    reimbursements: { type: [shareSchema], default: [] },
    revision: { type: Number, required: true },
    lastTxId: { type: String, required: true },
    updatedAt: { type: String, required: true },
    blockNumber: { type: Number, required: true },
  },
  { collection: INVOICE_VIEW_COLLECTION, versionKey: false },
);
// Statistics select a period of days, optionally one unit, status or payer.
viewSchema.index({ issuedDay: 1, issuingUnit: 1 });
viewSchema.index({ issuerMsp: 1, issuedDay: 1 });
viewSchema.index({ issuerMsp: 1, _id: 1 });
// Lists: newest first, all issuers or one.
viewSchema.index({ issuedAt: 1, _id: 1 });
viewSchema.index({ issuerMsp: 1, issuedAt: 1, _id: 1 });
viewSchema.index({ 'reimbursements.day': 1, 'reimbursements.payerMsp': 1 });

const checkpointSchema = new Schema<CheckpointDoc>(
  {
    _id: { type: String, required: true },
    blockNumber: { type: String, required: true },
    transactionId: { type: String, required: true },
    modelVersion: { type: Number },
  },
  { collection: CHECKPOINT_COLLECTION, versionKey: false },
);

export type InvoiceViewModel = Model<InvoiceViewDoc>;
export type CheckpointModel = Model<CheckpointDoc>;

export function invoiceViewModel(connection: Connection): InvoiceViewModel {
  return (
    (connection.models['InvoiceView'] as InvoiceViewModel | undefined) ?? connection.model('InvoiceView', viewSchema)
  );
}

export function checkpointModel(connection: Connection): CheckpointModel {
  return (
    (connection.models['ProjectionCheckpoint'] as CheckpointModel | undefined) ??
    connection.model('ProjectionCheckpoint', checkpointSchema)
  );
}
