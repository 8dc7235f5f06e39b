import { paymentSplitProblem, reimbursableProblem } from './amounts';

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
});
