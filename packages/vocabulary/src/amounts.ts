/**
 * Amount rules of an invoice summary, shared by the chaincode (which enforces them) and the API
 * (which answers bad input early). Amounts are integer fen; each rule returns the problem, or
 * undefined when the amounts are right.
 */
import type { Fen } from './fields';
import { PAYMENT_PARTS, type PaymentSplit } from './invoice';

/** The payment parts must add up to the invoice total exactly. */
export function paymentSplitProblem(totalAmount: Fen, payment: PaymentSplit): string | undefined {
  let sum = 0;
  for (const part of PAYMENT_PARTS) {
    sum += payment[part];
    if (!Number.isSafeInteger(sum)) return `parts add up to more than ${Number.MAX_SAFE_INTEGER} fen`;
  }
  return sum === totalAmount ? undefined : `parts add up to ${sum} fen but totalAmount is ${totalAmount} fen`;
}

/** The reimbursable amount lies within 0..totalAmount. */
export function reimbursableProblem(totalAmount: Fen, reimbursableAmount: Fen): string | undefined {
  return reimbursableAmount > totalAmount
    ? `(${reimbursableAmount} fen) must not exceed totalAmount (${totalAmount} fen)`
    : undefined;
}
