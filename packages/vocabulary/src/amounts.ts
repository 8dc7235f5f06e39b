/**
 * Amount rules of an invoice summary, shared by the chaincode (which enforces them) and the API
 * (which answers bad input early). Amounts are integer fen; each rule returns the problem, or
 * undefined when the amounts are right.
 */
import { isFen, type Fen } from './fields';
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

/** Item quantities carry at most this many decimal places (e.g. 0.25 of a box, 1.5 kg). */
export const QUANTITY_DECIMALS = 4;
const QUANTITY_SCALE = 10 ** QUANTITY_DECIMALS;

/** `quantity × 10^QUANTITY_DECIMALS` as an exact integer, or undefined for more decimal places. */
function scaledQuantity(quantity: number): number | undefined {
  const scaled = Math.round(quantity * QUANTITY_SCALE);
  return Number.isSafeInteger(scaled) && scaled > 0 && scaled / QUANTITY_SCALE === quantity ? scaled : undefined;
}

/** A positive quantity has at most QUANTITY_DECIMALS decimal places. */
export function quantityProblem(quantity: number): string | undefined {
  if (!(quantity > 0)) return 'must be greater than 0';
  return scaledQuantity(quantity) === undefined ? `must have at most ${QUANTITY_DECIMALS} decimal places` : undefined;
}

/**
 * The amount of an invoice item: quantity × unitPrice in fen, computed exactly (the quantity as
 * the decimal it was written as) and rounded to the nearest fen, halves rounded up (四舍五入).
 * Undefined when the quantity or the unit price breaks its own rule.
 */
export function itemAmount(quantity: number, unitPrice: Fen): Fen | undefined {
  const scaled = scaledQuantity(quantity);
  if (scaled === undefined || !isFen(unitPrice)) return undefined;
  const scale = BigInt(QUANTITY_SCALE);
  const rounded = (BigInt(scaled) * BigInt(unitPrice) * 2n + scale) / (2n * scale);
  return Number(rounded);
}

/** An item's amount must be its quantity × unitPrice, rounded to the fen as {@link itemAmount} does. */
export function itemAmountProblem(quantity: number, unitPrice: Fen, amount: Fen): string | undefined {
  const expected = itemAmount(quantity, unitPrice);
  if (expected === undefined || expected === amount) return undefined;
  return `must be quantity × unitPrice = ${quantity} × ${unitPrice} = ${expected} fen (rounded to the fen, halves up), not ${amount}`;
}
