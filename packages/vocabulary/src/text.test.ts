import { TEXT_PATTERN, textLength, textProblem, textRuleDescription } from './text';

describe('the text rule', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(textLength('')).toBe(0);
    expect(textLength('张三')).toBe(2);
    expect(textLength('\u{20000}\u{1F600}')).toBe(2);
    expect(textProblem('\u{20000}'.repeat(64), 1, 64)).toBeUndefined();
    expect(textProblem('\u{20000}'.repeat(65), 1, 64)).toBe('must be 1..64 characters long, got 65');
    expect(textProblem('', 1, 64)).toBe('must be 1..64 characters long, got 0');
  });

  it('accepts ordinary names in any script', () => {
    for (const name of ['Zhang San', '张三', 'Zoë O’Brien-Łukasz', 'محمد', '上海市青浦区中心医院', 'A & B (2)']) {
      expect(textProblem(name, 1, 128)).toBeUndefined();
    }
  });

  it.each([
    ['Zhang\u0000San', 'control characters (U+0000 at character 6)'],
    ['Zhang\u001b[31mSan', 'control characters (U+001B at character 6)'],
    ['Zhang\tSan', 'control characters (U+0009 at character 6)'],
    ['Zhang\u007fSan', 'control characters (U+007F at character 6)'],
    ['Zhang\u0085San', 'control characters (U+0085 at character 6)'],
    ['Zhang\u2028San', 'control characters (U+2028 at character 6)'],
    ['Zhang\u061cSan', 'bidirectional controls (U+061C at character 6)'],
    ['Zhang\u200eSan', 'bidirectional controls (U+200E at character 6)'],
    ['Zhang\u200fSan', 'bidirectional controls (U+200F at character 6)'],
    ['Zhang\u202aSan', 'bidirectional controls (U+202A at character 6)'],
    ['Zhang\u202eSan', 'bidirectional controls (U+202E at character 6)'],
    ['Zhang\u2066San', 'bidirectional controls (U+2066 at character 6)'],
    ['Zhang\u2069San', 'bidirectional controls (U+2069 at character 6)'],
    ['Zhang\ud800San', 'lone surrogates (U+D800 at character 6)'],
    ['Zhang San\udfff', 'lone surrogates (U+DFFF at character 10)'],
    ['\u{20000}\ud800', 'lone surrogates (U+D800 at character 2)'],
  ])('refuses %j', (text, problem) => {
    expect(textProblem(text, 1, 64)).toBe(`must not contain ${problem}`);
  });

  it('refuses white space at either end, blank text included', () => {
    expect(textProblem(' Zhang San', 1, 64)).toBe('must not start or end with white space');
    expect(textProblem('Zhang San\u3000', 1, 64)).toBe('must not start or end with white space');
    expect(textProblem('   ', 1, 64)).toBe('must not start or end with white space');
  });

  it('describes itself', () => {
    expect(textRuleDescription(1, 64)).toMatch(/^1\.\.64 characters \(Unicode code points\)/);
  });
});

describe('TEXT_PATTERN', () => {
  const pattern = new RegExp(TEXT_PATTERN, 'u');
  it.each([
    'Qingpu District Central Hospital',
    '上海市青浦区中心医院',
    '\u{20000}\u{20001}',
    'a',
    ' leading',
    'trailing\u3000',
    '\ufeffbom',
    'tab\tinside',
    'bidi\u202eoverride',
    'nul\u0000',
    'line\u2028separator',
    'C1\u0085',
    'lone\ud800',
    'in ner space',
  ])('agrees with the rule on %j', (text) => {
    expect(pattern.test(text)).toBe(textProblem(text, 1, 1000) === undefined);
  });
});
