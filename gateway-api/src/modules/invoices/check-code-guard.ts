/**
 * Limits on guessing check codes online. Every check of a check code (verify, PDF download) is a
 * guess; failed guesses are recorded durably (who, which org, which invoice, when, how it ended)
 * and counted over a sliding window: per user and invoice, per invoice (all users together, so
 * many accounts do not multiply the rate), and per user (all invoices together, so spreading
 * guesses over many invoices does not either). Guesses still being checked count on their
 * invoice's limits, not on the user's (SETTLED_FAILURES). Past a limit the answer is 429
 * RATE_LIMITED with Retry-After, before any check is made.
 */
import { AppError } from '../../errors';
import { describe, type Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { GuessChannel } from './check-code-failure-model';
import type { CheckCodeFailures, RecentFailure, SettledOutcome } from './check-code-failures';

export interface GuessLimits {
  /** Failed guesses one user may make on one invoice per window. */
  perUserAndInvoice: number;
  /** Failed guesses on one invoice per window, all users together. */
  perInvoice: number;
  /** Failed guesses one user may make per window, all invoices together. */
  perUser: number;
  windowSeconds: number;
}

export const DEFAULT_GUESS_LIMITS: Readonly<GuessLimits> = {
  perUserAndInvoice: 5,
  perInvoice: 20,
  perUser: 30,
  windowSeconds: 15 * 60,
};

export interface Guess {
  user: User;
  code: string;
  number: string;
  via: GuessChannel;
}

/** What checking a guess found: the answer, and why the guess failed when it did. */
export interface Checked<T> {
  result: T;
  failure?: 'wrong_check_code' | 'no_such_invoice' | undefined;
}

/** Milliseconds until `list` (newest first) holds fewer than `limit` entries younger than the window. */
function waitFor(list: readonly RecentFailure[], limit: number, windowMs: number, now: Date): number | undefined {
  const oldestCounted = list[limit - 1];
  return oldestCounted === undefined ? undefined : oldestCounted.at.getTime() + windowMs - now.getTime();
}

function unavailable(err: unknown): AppError {
  return new AppError('STORAGE_UNAVAILABLE', 'check-code attempts cannot be recorded now, try again later', {
    cause: err,
  });
}

export class CheckCodeGuard {
  constructor(
    private readonly failures: CheckCodeFailures,
    private readonly limits: GuessLimits,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Runs `check` as one guess of an invoice's check code: refused (RATE_LIMITED) when the
   * failures before it reach a limit, recorded before it runs (so concurrent guesses count each
   * other), kept as a failure when it fails, dropped when it succeeds. Without the database no
   * guess is checked. A guess `knownRight` (this process saw the ledger confirm that check code
   * of that invoice) cannot add a failure while it runs, so it is only held to the limits, as any
   * other guess, and recorded only when refused or when it fails after all.
   */
  async guess<T>(guess: Guess, check: () => Promise<Checked<T>>, knownRight = false): Promise<T> {
    const at = this.clock();
    const id = knownRight ? undefined : await this.begin(guess, at);
    const retryAfter = await this.retryAfterSeconds(guess, id, at).catch(async (err: unknown) => {
      if (id !== undefined) await this.withdraw(id);
      throw unavailable(err);
    });
    if (retryAfter !== undefined) {
      await this.settle(id ?? (await this.begin(guess, at)), 'rate_limited', guess);
      throw new AppError(
        'RATE_LIMITED',
        `too many check-code attempts, wrong or still being checked; try again in ${retryAfter} s`,
        { headers: { 'Retry-After': String(retryAfter) } },
      );
    }
    let checked: Checked<T>;
    try {
      checked = await check();
    } catch (err) {
      if (id !== undefined) await this.withdraw(id);
      throw err;
    }
    if (checked.failure !== undefined) await this.settle(id ?? (await this.begin(guess, at)), checked.failure, guess);
    else if (id !== undefined) await this.withdraw(id);
    return checked.result;
  }

  private begin(guess: Guess, at: Date): Promise<string> {
    const { user, code, number, via } = guess;
    return this.failures
      .begin({ at, username: user.username, mspId: user.mspId, code, number, via })
      .catch((err: unknown) => {
        throw unavailable(err);
      });
  }

  /** Seconds to wait when a limit is reached by the counted attempts other than `id`, else undefined. */
  private async retryAfterSeconds(guess: Guess, id: string | undefined, now: Date): Promise<number | undefined> {
    const { perUserAndInvoice, perInvoice, perUser, windowSeconds } = this.limits;
    const windowMs = windowSeconds * 1000;
    const since = new Date(now.getTime() - windowMs);
    const username = guess.user.username;
    const [onInvoice, byUser] = await Promise.all([
      this.failures.recentOnInvoice(guess.code, guess.number, since, perInvoice + 1),
      this.failures.recentByUser(username, since, perUser + 1),
    ]);
    const invoiceOthers = onInvoice.filter((f) => f.id !== id);
    const waits = [
      waitFor(invoiceOthers, perInvoice, windowMs, now),
      waitFor(
        invoiceOthers.filter((f) => f.username === username),
        perUserAndInvoice,
        windowMs,
        now,
      ),
      waitFor(
        byUser.filter((f) => f.id !== id),
        perUser,
        windowMs,
        now,
      ),
    ].filter((ms): ms is number => ms !== undefined);
    return waits.length === 0 ? undefined : Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }

  /** A failed guess stays recorded as `checking` (still counted) when its outcome cannot be written. */
  private async settle(id: string, outcome: SettledOutcome, guess: Guess): Promise<void> {
    this.logger.warn('check code guess failed', {
      outcome,
      code: guess.code,
      number: guess.number,
      username: guess.user.username,
      mspId: guess.user.mspId,
      via: guess.via,
    });
    await this.failures.settle(id, outcome).catch((err: unknown) => {
      this.logger.error('could not record the outcome of a check-code guess', { id, outcome, error: describe(err) });
    });
  }

  private async withdraw(id: string): Promise<void> {
    await this.failures.withdraw(id).catch((err: unknown) => {
      this.logger.error('could not withdraw a check-code attempt (it counts as failed)', { id, error: describe(err) });
    });
  }
}
