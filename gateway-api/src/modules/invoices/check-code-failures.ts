import mongoose from 'mongoose';
import { z } from 'zod';
import {
  COUNTED_OUTCOMES,
  SETTLED_FAILURES,
  type CheckCodeFailureModel,
  type GuessChannel,
  type GuessOutcome,
} from './check-code-failure-model';
import { invoiceRecordId } from './record-model';

/** A guess of an invoice's check code, about to be checked. */
export interface NewGuess {
  at: Date;
  username: string;
  mspId: string;
  code: string;
  number: string;
  via: GuessChannel;
}

/** A counted attempt, as the limits see it. */
export interface RecentFailure {
  id: string;
  at: Date;
  username: string;
}

/** The outcome of a guess that did not find the right check code. */
export type SettledOutcome = Exclude<GuessOutcome, 'checking'>;

/**
 * The durable record of check-code guesses that failed, kept in the document database. A guess
 * is recorded before it is checked (outcome `checking`, counted like a failure), then settled as
 * a failure, or withdrawn when the check code was right (or could not be checked at all).
 */
export interface CheckCodeFailures {
  begin(guess: NewGuess): Promise<string>;
  settle(id: string, outcome: SettledOutcome): Promise<void>;
  withdraw(id: string): Promise<void>;
  /** Counted attempts on the invoice after `since`, newest first, at most `limit`. */
  recentOnInvoice(code: string, number: string, since: Date, limit: number): Promise<RecentFailure[]>;
  /** Failed attempts of the user (settled), on any invoice, after `since`, newest first, at most `limit`. */
  recentByUser(username: string, since: Date, limit: number): Promise<RecentFailure[]>;
}

const recentSchema = z.array(
  z.object({ _id: z.instanceof(mongoose.Types.ObjectId), at: z.date(), username: z.string() }),
);

/** Check-code failures in the document database (collection `check_code_failures`). */
export class MongoCheckCodeFailures implements CheckCodeFailures {
  constructor(private readonly model: CheckCodeFailureModel) {}

  async begin(guess: NewGuess): Promise<string> {
    const invoice = invoiceRecordId(guess.code, guess.number);
    const created = await this.model.create({ ...guess, invoice, outcome: 'checking' });
    return created._id.toHexString();
  }

  async settle(id: string, outcome: SettledOutcome): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { outcome } }).exec();
  }

  async withdraw(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }

  recentOnInvoice(code: string, number: string, since: Date, limit: number): Promise<RecentFailure[]> {
    return this.recent({ invoice: invoiceRecordId(code, number) }, since, limit, COUNTED_OUTCOMES);
  }

  recentByUser(username: string, since: Date, limit: number): Promise<RecentFailure[]> {
    return this.recent({ username }, since, limit, SETTLED_FAILURES);
  }

  private async recent(
    filter: { invoice: string } | { username: string },
    since: Date,
    limit: number,
    outcomes: readonly GuessOutcome[],
  ) {
    const rows: unknown = await this.model
      .find({ ...filter, at: { $gt: since }, outcome: { $in: outcomes } })
      .sort({ at: -1 })
      .limit(limit)
      .select({ at: 1, username: 1 })
      .lean()
      .exec();
    const parsed = recentSchema.safeParse(rows);
    if (!parsed.success) throw new Error('check-code failure records have an unexpected shape');
    return parsed.data.map((row) => ({ id: row._id.toHexString(), at: row.at, username: row.username }));
  }
}
