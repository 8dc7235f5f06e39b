import { CID, HEX64, INVOICE_CODE, INVOICE_NUMBER, isFen, ISO_TIMESTAMP } from './fields';

describe('field formats', () => {
  it('accepts the formats and refuses near misses', () => {
    expect(INVOICE_CODE.test('31012026')).toBe(true);
    expect(INVOICE_CODE.test('3101202')).toBe(false);
    expect(INVOICE_NUMBER.test('0000000001')).toBe(true);
    expect(INVOICE_NUMBER.test('000000001x')).toBe(false);
    expect(HEX64.test('a'.repeat(64))).toBe(true);
    expect(HEX64.test('A'.repeat(64))).toBe(false);
    expect(CID.test(`bafkrei${'a'.repeat(52)}`)).toBe(true);
    expect(CID.test('not-a-cid')).toBe(false);
    expect(ISO_TIMESTAMP.test('2026-11-29T10:00:00.000Z')).toBe(true);
    expect(ISO_TIMESTAMP.test('2026-11-29T10:00:00Z')).toBe(false);
  });

  it('takes fen as safe non-negative integers only', () => {
    expect(isFen(0)).toBe(true);
    expect(isFen(12830)).toBe(true);
    expect(isFen(-1)).toBe(false);
    expect(isFen(1.5)).toBe(false);
    expect(isFen(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
    expect(isFen('5')).toBe(false);
  });
});
