import { FakeCheckCodeFailures } from '../../../test/fake-offchain';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { User } from '../auth/roles';
import { CheckCodeGuard, type Checked, type Guess, type GuessLimits } from './check-code-guard';

const LIMITS: GuessLimits = { perUserAndInvoice: 5, perInvoice: 8, perUser: 12, windowSeconds: 900 };

function user(username: string, mspId: User['mspId'] = 'InsurerMSP'): User {
  return { username, displayName: username, mspId, role: 'reimbursement_officer' };
}

function setup(limits: GuessLimits = LIMITS) {
  const failures = new FakeCheckCodeFailures();
  let now = new Date('2026-11-30T08:00:00.000Z');
  const guard = new CheckCodeGuard(failures, limits, silentLogger, () => now);
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  return { failures, guard, advance };
}

const wrong = async (): Promise<Checked<string>> => ({ result: 'unknown', failure: 'wrong_check_code' });
const right = async (): Promise<Checked<string>> => ({ result: 'authentic' });

function guessOf(username: string, number = '0000000001', via: Guess['via'] = 'verify'): Guess {
  return { user: user(username), code: '31010125', number, via };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('CheckCodeGuard', () => {
  it('records each failed guess durably: when, who, which org, which invoice, how, with what outcome', async () => {
    const { failures, guard } = setup();
    await guard.guess(guessOf('insurer1'), wrong);
    await guard.guess(guessOf('insurer1', '0000000404', 'pdf'), async () => ({
      result: undefined,
      failure: 'no_such_invoice' as const,
    }));
    expect(failures.rows.map((row) => ({ ...row, id: typeof row.id }))).toEqual([
      {
        id: 'string',
        at: new Date('2026-11-30T08:00:00.000Z'),
        username: 'insurer1',
        mspId: 'InsurerMSP',
        invoice: '31010125/0000000001',
        code: '31010125',
        number: '0000000001',
        via: 'verify',
        outcome: 'wrong_check_code',
      },
      expect.objectContaining({ id: 'string', number: '0000000404', via: 'pdf', outcome: 'no_such_invoice' }),
    ]);
  });

  it('keeps no record of a right check code', async () => {
    const { failures, guard } = setup();
    await expect(guard.guess(guessOf('insurer1'), right)).resolves.toBe('authentic');
    expect(failures.rows).toEqual([]);
  });

  it('refuses the 6th guess of a user on an invoice with 429 and Retry-After, even a right one, before checking', async () => {
    const { failures, guard, advance } = setup();
    for (let i = 0; i < 5; i++) {
      await guard.guess(guessOf('insurer1'), wrong);
      advance(60);
    }
    let checked = false;
    const err = await refusal(
      guard.guess(guessOf('insurer1'), async () => {
        checked = true;
        return right();
      }),
    );
    expect(checked).toBe(false);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    // The oldest of the five failures (5 minutes ago) leaves the 15-minute window in 10 minutes.
    expect(err.headers).toEqual({ 'Retry-After': '600' });
    expect(failures.rows.at(-1)).toMatchObject({ outcome: 'rate_limited', username: 'insurer1' });

    // Another user may still try this invoice; this user may still try other invoices.
    await expect(guard.guess(guessOf('medins1'), right)).resolves.toBe('authentic');
    await expect(guard.guess(guessOf('insurer1', '0000000002'), right)).resolves.toBe('authentic');
    // Refusals are recorded but not counted: once the window has passed, guessing resumes.
    advance(600);
    await expect(guard.guess(guessOf('insurer1'), right)).resolves.toBe('authentic');
  });

  it('writes nothing for a guess known right, yet holds it to the limits and records it when refused or wrong', async () => {
    const { failures, guard } = setup();
    failures.failBegins = 1;
    await expect(guard.guess(guessOf('insurer1'), right, true)).resolves.toBe('authentic');
    expect(failures.failBegins).toBe(1);
    failures.failBegins = 0;

    await expect(guard.guess(guessOf('insurer1'), wrong, true)).resolves.toBe('unknown');
    expect(failures.rows).toEqual([expect.objectContaining({ username: 'insurer1', outcome: 'wrong_check_code' })]);
    for (let i = 0; i < 7; i++) await guard.guess(guessOf(`user${i}`), wrong);
    let checked = false;
    const err = await refusal(
      guard.guess(
        guessOf('medins1'),
        async () => {
          checked = true;
          return right();
        },
        true,
      ),
    );
    expect({ code: err.code, checked }).toEqual({ code: 'RATE_LIMITED', checked: false });
    expect(failures.rows.at(-1)).toMatchObject({ username: 'medins1', outcome: 'rate_limited' });
  });

  it('limits an invoice over all users together, so many accounts do not multiply the rate', async () => {
    const { guard } = setup();
    for (let i = 0; i < 8; i++) await guard.guess(guessOf(`user${i}`), wrong);
    const err = await refusal(guard.guess(guessOf('user99'), right));
    expect(err.code).toBe('RATE_LIMITED');
    await expect(guard.guess(guessOf('user99', '0000000002'), right)).resolves.toBe('authentic');
  });

  it('limits a user over all invoices together, so spreading guesses does not multiply the rate', async () => {
    const { guard } = setup();
    for (let i = 0; i < 12; i++) await guard.guess(guessOf('insurer1', String(i).padStart(10, '0')), wrong);
    expect((await refusal(guard.guess(guessOf('insurer1', '0000000099'), right))).code).toBe('RATE_LIMITED');
    await expect(guard.guess(guessOf('medins1', '0000000099'), right)).resolves.toBe('authentic');
  });

  it('lets no more concurrent guesses be checked than the limit allows', async () => {
    const { failures, guard } = setup();
    let checks = 0;
    const slowWrong = async (): Promise<Checked<string>> => {
      checks++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return wrong();
    };
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => guard.guess(guessOf('insurer1'), slowWrong)),
    );
    // Each guess is recorded before the count, so concurrent guesses see each other: a burst may
    // even be refused entirely, but never more than the limit are checked.
    expect(checks).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(30 - checks);
    expect(failures.rows.filter((r) => r.outcome === 'wrong_check_code')).toHaveLength(checks);
  });

  it('does not refuse a user for its own guesses in flight on other invoices, only for failures', async () => {
    const { guard } = setup();
    const slowRight = async (): Promise<Checked<string>> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return right();
    };
    const burst = Array.from({ length: 40 }, (_, i) =>
      guard.guess(guessOf('insurer1', String(i).padStart(10, '0')), slowRight),
    );
    expect(await Promise.all(burst)).toEqual(Array(40).fill('authentic'));
    const failures = Array.from({ length: 20 }, (_, i) =>
      guard.guess(guessOf('insurer1', String(100 + i).padStart(10, '0')), wrong),
    );
    await Promise.allSettled(failures);
    expect((await refusal(guard.guess(guessOf('insurer1', '0000000999'), right))).code).toBe('RATE_LIMITED');
  });

  it('checks nothing when the attempt cannot be recorded (503), and withdraws an attempt whose check failed', async () => {
    const { failures, guard } = setup();
    failures.failBegins = 1;
    let checked = false;
    const err = await refusal(
      guard.guess(guessOf('insurer1'), async () => {
        checked = true;
        return right();
      }),
    );
    expect(err).toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
    expect(checked).toBe(false);

    const down = new AppError('LEDGER_UNAVAILABLE', 'down');
    await expect(
      guard.guess(guessOf('insurer1'), async () => {
        throw down;
      }),
    ).rejects.toBe(down);
    expect(failures.rows).toEqual([]);
  });
});
