/**
 * Amount rules. Every amount is an integer number of fen (1 CNY = 100 fen),
 * never a float, never outside the safe-integer range.
 */
import { PAYMENT_PARTS, type Fen, type PaymentSplit } from '@hdt/vocabulary';
import { invalidArgument } from './errors';
import { describeType } from './fields';

export type { Fen, PaymentSplit } from '@hdt/vocabulary';

/** An integer amount in fen, `>= min`, within the safe-integer range. */
export function parseFen(value: unknown, path: string, min: 0 | 1): Fen {
  if (typeof value !== 'number') {
    throw invalidArgument(path, `must be a number of fen, got ${describeType(value)}`);
  }
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    throw invalidArgument(path, 'must be an integer number of fen');
  }
  if (!Number.isSafeInteger(value)) {
    throw invalidArgument(path, `must not exceed ${Number.MAX_SAFE_INTEGER} fen`);
  }
  if (value < min) {
    throw invalidArgument(path, min === 0 ? 'must not be negative' : 'must be greater than zero');
  }
  // Normalise -0 to 0.
  return value === 0 ? 0 : value;
}

/** Sum of amounts, failing (naming `path`) when the sum leaves the safe-integer range. */
export function sumFen(amounts: readonly Fen[], path: string): Fen {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!Number.isSafeInteger(total)) {
      throw invalidArgument(path, `parts add up to more than ${Number.MAX_SAFE_INTEGER} fen`);
    }
  }
  return total;
}

/** The payment parts must add up to the invoice total exactly. */
export function checkPaymentSplit(totalAmount: Fen, payment: PaymentSplit, path = 'payment'): void {
  const sum = sumFen(
    PAYMENT_PARTS.map((part) => payment[part]),
    path,
  );
  if (sum !== totalAmount) {
    throw invalidArgument(path, `parts add up to ${sum} fen but totalAmount is ${totalAmount} fen`);
  }
}

/** The reimbursable amount lies within 0..totalAmount. */
export function checkReimbursable(totalAmount: Fen, reimbursableAmount: Fen, path = 'reimbursableAmount'): void {
  if (reimbursableAmount > totalAmount) {
    throw invalidArgument(path, `(${reimbursableAmount} fen) must not exceed totalAmount (${totalAmount} fen)`);
  }
}
