import { checkPaymentSplit, checkReimbursable, parseFen } from './amounts';

const split = (medicalInsuranceFund: number, personalAccount: number, otherFund: number, selfPay: number) => ({
  medicalInsuranceFund,
  personalAccount,
  otherFund,
  selfPay,
});

describe('parseFen', () => {
  it('accepts integer fen within range', () => {
    expect(parseFen(0, 'x', 0)).toBe(0);
    expect(parseFen(1, 'x', 1)).toBe(1);
    expect(parseFen(Number.MAX_SAFE_INTEGER, 'x', 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(Object.is(parseFen(-0, 'x', 0), 0)).toBe(true);
  });

  it.each([
    ['a string', '100', 'INVALID_ARGUMENT: x must be a number of fen, got a string'],
    ['null', null, 'INVALID_ARGUMENT: x must be a number of fen, got null'],
    ['a fraction', 1.5, 'INVALID_ARGUMENT: x must be an integer number of fen'],
    ['NaN', Number.NaN, 'INVALID_ARGUMENT: x must be an integer number of fen'],
    ['Infinity', Number.POSITIVE_INFINITY, 'INVALID_ARGUMENT: x must be an integer number of fen'],
    ['an unsafe integer', 2 ** 53, `INVALID_ARGUMENT: x must not exceed ${Number.MAX_SAFE_INTEGER} fen`],
    ['a negative amount', -1, 'INVALID_ARGUMENT: x must not be negative'],
  ])('rejects %s', (_label, value, message) => {
    expect(() => parseFen(value, 'x', 0)).toThrow(message);
  });

  it('rejects zero where a positive amount is required', () => {
    expect(() => parseFen(0, 'totalAmount', 1)).toThrow('INVALID_ARGUMENT: totalAmount must be greater than zero');
  });
});

describe('payment split', () => {
  it('refuses parts whose sum leaves the safe-integer range', () => {
    expect(() => checkPaymentSplit(1, split(Number.MAX_SAFE_INTEGER, 1, 0, 0))).toThrow(
      /^INVALID_ARGUMENT: payment parts add up to more than/,
    );
  });

  it('accepts parts that add up to the total', () => {
    expect(() => checkPaymentSplit(100, split(40, 30, 20, 10))).not.toThrow();
    expect(() => checkPaymentSplit(100, split(0, 0, 0, 100))).not.toThrow();
  });

  it('refuses parts that do not add up to the total', () => {
    expect(() => checkPaymentSplit(100, split(40, 30, 20, 9))).toThrow(
      'INVALID_ARGUMENT: payment parts add up to 99 fen but totalAmount is 100 fen',
    );
    expect(() => checkPaymentSplit(100, split(40, 30, 20, 11))).toThrow(
      /^INVALID_ARGUMENT: payment parts add up to 101 fen/,
    );
  });

  it('refuses parts whose sum overflows', () => {
    expect(() => checkPaymentSplit(100, split(Number.MAX_SAFE_INTEGER, 1, 0, 0))).toThrow(
      /^INVALID_ARGUMENT: payment /,
    );
  });
});

describe('reimbursable amount', () => {
  it('lies within 0..totalAmount', () => {
    expect(() => checkReimbursable(100, 0)).not.toThrow();
    expect(() => checkReimbursable(100, 100)).not.toThrow();
    expect(() => checkReimbursable(100, 101)).toThrow(
      'INVALID_ARGUMENT: reimbursableAmount (101 fen) must not exceed totalAmount (100 fen)',
    );
  });
});
