import { INVOICE_CODE, INVOICE_NUMBER } from '@hdt/vocabulary';
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { invoiceRecordId } from './record-model';

export const CHECK_CODE_FAILURE_MODEL = 'CheckCodeFailure';
export const CHECK_CODE_FAILURE_COLLECTION = 'check_code_failures';

/** Where a check code was tried: POST /invoices/verify or GET /invoices/{code}/{number}/pdf. */
export const GUESS_CHANNELS = ['verify', 'pdf'] as const;
export type GuessChannel = (typeof GUESS_CHANNELS)[number];

/**
 * `checking`: being checked now (counts as a failure until settled, so concurrent guesses cannot
 * slip past the limits); `wrong_check_code` / `no_such_invoice`: a failed guess;
 * `rate_limited`: refused before any check (recorded, not counted). A right check code leaves
 * no record.
 */
export const GUESS_OUTCOMES = ['checking', 'wrong_check_code', 'no_such_invoice', 'rate_limited'] as const;
export type GuessOutcome = (typeof GUESS_OUTCOMES)[number];
/** The outcomes counted against the limits on one invoice: failures, and guesses still being checked. */
export const COUNTED_OUTCOMES: readonly GuessOutcome[] = ['checking', 'wrong_check_code', 'no_such_invoice'];
/**
 * The outcomes counted against a user's limit over all invoices: failures only. Guesses in flight
 * on distinct invoices are not counted there, so a busy reimburser is not refused for its own
 * throughput; a burst spread over many invoices is one guess per invoice, each counted once
 * settled, and the per-invoice limits still count the guesses in flight.
 */
export const SETTLED_FAILURES: readonly GuessOutcome[] = ['wrong_check_code', 'no_such_invoice'];

/** One failed (or refused, or ongoing) attempt to verify an invoice's check code. Never the code tried. */
export interface CheckCodeFailure {
  at: Date;
  username: string;
  mspId: string;
  /** `code/number`, the invoice record's key. */
  invoice: string;
  code: string;
  number: string;
  via: GuessChannel;
  outcome: GuessOutcome;
}

export type CheckCodeFailureModel = Model<CheckCodeFailure>;

export const checkCodeFailureSchema = new Schema<CheckCodeFailure>(
  {
    at: { type: Date, required: true },
    username: { type: String, required: true, minlength: 1, maxlength: 64 },
    mspId: { type: String, required: true, match: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ },
    invoice: { type: String, required: true, maxlength: 19 },
    code: { type: String, required: true, match: INVOICE_CODE },
    number: { type: String, required: true, match: INVOICE_NUMBER },
    via: { type: String, required: true, enum: GUESS_CHANNELS },
    outcome: { type: String, required: true, enum: GUESS_OUTCOMES },
  },
  { collection: CHECK_CODE_FAILURE_COLLECTION, versionKey: false, strict: 'throw' },
);
checkCodeFailureSchema.pre('validate', function deriveInvoice() {
  this.invoice = invoiceRecordId(this.code, this.number);
});
// The limits' two queries: an invoice's recent failures, a user's recent failures (newest first).
checkCodeFailureSchema.index({ invoice: 1, at: -1 }, { name: 'invoice_at' });
checkCodeFailureSchema.index({ username: 1, at: -1 }, { name: 'username_at' });

/** The CheckCodeFailure model on the given connection (registered once per connection). */
export function checkCodeFailureModel(connection: Connection): CheckCodeFailureModel {
  if (connection.modelNames().includes(CHECK_CODE_FAILURE_MODEL)) {
    return connection.model<CheckCodeFailure>(CHECK_CODE_FAILURE_MODEL);
  }
  return connection.model<CheckCodeFailure>(
    CHECK_CODE_FAILURE_MODEL,
    checkCodeFailureSchema,
    CHECK_CODE_FAILURE_COLLECTION,
  );
}
