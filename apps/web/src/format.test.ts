import { formatCount, formatFen, parseYuan, yuanText } from './format';

describe('amounts in yuan, kept in fen', () => {
  it('shows fen as yuan with two decimals and thousands separators', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(4830)).toBe('¥48.30');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(yuanText(1830)).toBe('18.30');
  });

  it('shows counts with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('reads yuan typed with up to two decimals as whole fen, with no floating-point error', () => {
    expect(parseYuan('18.3')).toBe(1830);
    expect(parseYuan(' 0.29 ')).toBe(29);
    expect(parseYuan('1,234.56')).toBe(123456);
    expect(parseYuan('39.15')).toBe(3915);
    expect(parseYuan('50')).toBe(5000);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', '1.234', '-1', '1e3', 'abc', '.5', '12.']) expect(parseYuan(text)).toBeUndefined();
  });
});
