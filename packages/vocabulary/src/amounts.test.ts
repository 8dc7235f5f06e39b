import { itemAmount, itemAmountProblem, paymentSplitProblem, quantityProblem, reimbursableProblem } from './amounts';

const split = (medicalInsuranceFund: number, personalAccount: number, otherFund: number, selfPay: number) => ({
  medicalInsuranceFund,
  personalAccount,
  otherFund,
  selfPay,
});

describe('amount rules', () => {
  it('accepts parts that add up to the total', () => {
    expect(paymentSplitProblem(5000, split(3000, 1000, 0, 1000))).toBeUndefined();
  });

  it('names the sum when the parts do not add up', () => {
    expect(paymentSplitProblem(100, split(50, 49, 0, 0))).toBe('parts add up to 99 fen but totalAmount is 100 fen');
    expect(paymentSplitProblem(100, split(50, 51, 0, 0))).toBe('parts add up to 101 fen but totalAmount is 100 fen');
  });

  it('refuses sums beyond the safe-integer range', () => {
    expect(paymentSplitProblem(1, split(Number.MAX_SAFE_INTEGER, 1, 0, 0))).toBe(
      `parts add up to more than ${Number.MAX_SAFE_INTEGER} fen`,
    );
  });

  it('keeps the reimbursable amount within the total', () => {
    expect(reimbursableProblem(100, 100)).toBeUndefined();
    expect(reimbursableProblem(100, 0)).toBeUndefined();
    expect(reimbursableProblem(100, 101)).toBe('(101 fen) must not exceed totalAmount (100 fen)');
  });

  it('computes an item amount exactly, rounding to the fen with halves up', () => {
    expect(itemAmount(3, 1)).toBe(3);
    expect(itemAmount(2, 3750)).toBe(7500);
    expect(itemAmount(0.5, 3)).toBe(2); // 1.5 -> 2
    expect(itemAmount(0.5, 1)).toBe(1); // 0.5 -> 1
    expect(itemAmount(0.0001, 4999)).toBe(0); // 0.4999 -> 0
    expect(itemAmount(1.3333, 300)).toBe(400); // 399.99 -> 400
    expect(itemAmount(0.1, 3)).toBe(0); // 0.3, not 0.30000000000000004
    expect(itemAmount(1.15, 100)).toBe(115); // 114.99999999999999 in floating point
    expect(itemAmount(999_999.9999, 10_000)).toBe(9_999_999_999);
    expect(itemAmount(1_000_000, 1_000_000_000_000)).toBe(1e18); // beyond any MAX_FEN amount, so never equal
  });

  it('refuses quantities with more than four decimal places, or not positive', () => {
    expect(quantityProblem(1)).toBeUndefined();
    expect(quantityProblem(0.0001)).toBeUndefined();
    expect(quantityProblem(123.4567)).toBeUndefined();
    expect(quantityProblem(0.00001)).toBe('must have at most 4 decimal places');
    expect(quantityProblem(1.23456)).toBe('must have at most 4 decimal places');
    expect(quantityProblem(0)).toBe('must be greater than 0');
    expect(quantityProblem(Number.NaN)).toBe('must be greater than 0');
    expect(itemAmount(1.23456, 100)).toBeUndefined();
    expect(itemAmount(1, 1.5)).toBeUndefined();
  });

  it('names the expected amount when an item does not add up', () => {
    expect(itemAmountProblem(3, 1, 3)).toBeUndefined();
    expect(itemAmountProblem(3, 1, 5000)).toBe(
      'must be quantity × unitPrice = 3 × 1 = 3 fen (rounded to the fen, halves up), not 5000',
    );
    // A broken quantity is reported on the quantity, not again on the amount.
    expect(itemAmountProblem(1.23456, 100, 1)).toBeUndefined();
  });
});
