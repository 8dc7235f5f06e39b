import { canonicalJson, CanonicalJsonError } from './canonical-json';

/** The failing path of a CanonicalJsonError, 'OTHER' for any other error, undefined when it encodes. */
function failureOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CanonicalJsonError ? error.path : 'OTHER';
  }
  return undefined;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('does not depend on insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('sorts by UTF-16 code units and escapes like JSON.stringify', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, 付: 4 })).toBe('{"A":3,"z":2,"é":1,"付":4}');
    expect(canonicalJson('line\n"quoted"\u0001')).toBe(JSON.stringify('line\n"quoted"\u0001'));
  });

  it('writes numbers in their shortest form', () => {
    expect(canonicalJson([0, -0, 1.5, 1e21, 12345])).toBe('[0,0,1.5,1e+21,12345]');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['k'] = 'v';
    expect(canonicalJson(bare)).toBe('{"k":"v"}');
  });

  it('rejects values JSON cannot represent, naming the path', () => {
    expect(failureOf(() => canonicalJson({ a: undefined }))).toBe('$.a');
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow('$.a.b');
    expect(() => canonicalJson([1, Number.NaN])).toThrow('$[1]');
    expect(failureOf(() => canonicalJson(Number.POSITIVE_INFINITY))).toBe('$');
    expect(failureOf(() => canonicalJson({ f: () => 1 }))).toBe('$.f');
    expect(failureOf(() => canonicalJson(Symbol('s')))).toBe('$');
    expect(failureOf(() => canonicalJson(10n))).toBe('$');
    expect(failureOf(() => canonicalJson(undefined))).toBe('$');
  });

  it('rejects class instances, sparse arrays, symbol keys and cycles', () => {
    expect(failureOf(() => canonicalJson({ when: new Date(0) }))).toBe('$.when');
    expect(failureOf(() => canonicalJson(Buffer.from('x')))).toBe('$');
    expect(failureOf(() => canonicalJson(new Map()))).toBe('$');
    // eslint-disable-next-line no-sparse-arrays -- the sparse array is the input under test
    expect(failureOf(() => canonicalJson([1, , 3]))).toBe('$[1]');
    expect(failureOf(() => canonicalJson({ [Symbol('k')]: 1 }))).toBe('$');
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => canonicalJson(cycle)).toThrow('circular');
  });

  it('encodes fixed vectors to the exact bytes the ledger and the digests depend on', () => {
    const vectors: Array<[unknown, string]> = [
      [{ number: '0000000001', code: '31012026' }, '{"code":"31012026","number":"0000000001"}'],
      [
        {
          payment: { selfPay: 1000, otherFund: 0, personalAccount: 1000, medicalInsuranceFund: 3000 },
          totalAmount: 5000,
        },
        '{"payment":{"medicalInsuranceFund":3000,"otherFund":0,"personalAccount":1000,"selfPay":1000},"totalAmount":5000}',
      ],
      [{ b: 1, B: 2, a: 3, 票: 4, '10': 5, '9': 6 }, '{"10":5,"9":6,"B":2,"a":3,"b":1,"票":4}'],
      [{ name: '张三', items: [{ q: 1 }, { q: 2 }] }, '{"items":[{"q":1},{"q":2}],"name":"张三"}'],
      ['a"b\\c\n\u0001', '"a\\"b\\\\c\\n\\u0001"'],
    ];
    for (const [value, expected] of vectors) expect(canonicalJson(value)).toBe(expected);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"v":1},"b":[{"v":1}]}');
  });
});
