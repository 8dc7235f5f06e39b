/**
 * Amount rules. Every amount is an integer number of fen (1 CNY = 100 fen),
 * never a float, never outside the safe-integer range.
 */
import { paymentSplitProblem, reimbursableProblem, type Fen, type PaymentSplit } from '@hdt/vocabulary';
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

/** The payment parts must add up to the invoice total exactly (the vocabulary's rule). */
export function checkPaymentSplit(totalAmount: Fen, payment: PaymentSplit, path = 'payment'): void {
  const problem = paymentSplitProblem(totalAmount, payment);
  if (problem !== undefined) throw invalidArgument(path, problem);
}

/** The reimbursable amount lies within 0..totalAmount (the vocabulary's rule). */
export function checkReimbursable(totalAmount: Fen, reimbursableAmount: Fen, path = 'reimbursableAmount'): void {
  const problem = reimbursableProblem(totalAmount, reimbursableAmount);
  if (problem !== undefined) throw invalidArgument(path, problem);
}
