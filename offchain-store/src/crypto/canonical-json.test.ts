import { OffchainError } from '../errors';
import { canonicalJson } from './canonical-json';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof OffchainError ? error.code : 'OTHER';
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
    expect(codeOf(() => canonicalJson({ a: undefined }))).toBe('INVALID_ARGUMENT');
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow('$.a.b');
    expect(() => canonicalJson([1, Number.NaN])).toThrow('$[1]');
    expect(codeOf(() => canonicalJson(Number.POSITIVE_INFINITY))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson({ f: () => 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson(Symbol('s')))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson(10n))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson(undefined))).toBe('INVALID_ARGUMENT');
  });

  it('rejects class instances, sparse arrays, symbol keys and cycles', () => {
    expect(codeOf(() => canonicalJson({ when: new Date(0) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson(Buffer.from('x')))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson(new Map()))).toBe('INVALID_ARGUMENT');
    // eslint-disable-next-line no-sparse-arrays -- the sparse array is the input under test
    expect(codeOf(() => canonicalJson([1, , 3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => canonicalJson({ [Symbol('k')]: 1 }))).toBe('INVALID_ARGUMENT');
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => canonicalJson(cycle)).toThrow('circular');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"v":1},"b":[{"v":1}]}');
  });
});
