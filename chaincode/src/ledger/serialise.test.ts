import { canonicalJson, decodeState, encodeState } from './serialise';

describe('canonicalJson', () => {
  it('writes the same bytes whatever the key order', () => {
    const a = { b: 1, a: { y: [3, { d: 1, c: 2 }], x: 'é' }, c: null };
    const b = { c: null, a: { x: 'é', y: [3, { c: 2, d: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"é","y":[3,{"c":2,"d":1}]},"b":1,"c":null}');
    expect(Buffer.from(encodeState(a)).equals(Buffer.from(encodeState(b)))).toBe(true);
  });

  it('keeps array order and writes no white space', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ list: ['b', 'a'] })).toBe('{"list":["b","a"]}');
  });

  it('sorts keys by UTF-16 code units, independent of locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, 票: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":3,"b":1,"票":4}');
  });

  it('escapes strings like JSON.stringify', () => {
    expect(canonicalJson('a"b\\c\n\u0001')).toBe(JSON.stringify('a"b\\c\n\u0001'));
  });

  it('writes scalars', () => {
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(12_345)).toBe('12345');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(Object.create(null) as object)).toBe('{}');
  });

  it.each([
    ['undefined', undefined],
    ['an undefined member', { a: undefined }],
    ['NaN', Number.NaN],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }],
    ['a function', () => 1],
    ['a bigint', BigInt(1)],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Buffer', Buffer.from('x')],
  ])('rejects %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(/^INTERNAL: cannot serialise /);
  });

  it('names the path of the offending member', () => {
    expect(() => canonicalJson({ payment: { selfPay: Number.NaN } })).toThrow(
      'INTERNAL: cannot serialise $.payment.selfPay must be a finite number',
    );
    expect(() => canonicalJson({ list: [1, undefined] })).toThrow(
      'INTERNAL: cannot serialise $.list[1] is undefined, which JSON cannot represent',
    );
  });

  it('rejects circular structures but allows shared ones', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => canonicalJson(loop)).toThrow('INTERNAL: cannot serialise $.self is a circular reference');
  });
});

describe('decodeState', () => {
  it('decodes UTF-8 JSON', () => {
    expect(decodeState(encodeState({ unit: '青浦区中心医院' }), 'x')).toEqual({ unit: '青浦区中心医院' });
  });

  it('decodes a view into a larger buffer', () => {
    const bytes = Buffer.from('xx{"a":1}yy', 'utf8').subarray(2, 9);
    expect(decodeState(bytes, 'x')).toEqual({ a: 1 });
  });

  it('reports unreadable bytes as INTERNAL', () => {
    expect(() => decodeState(Buffer.from('{oops', 'utf8'), 'invoice 1/2 state')).toThrow(
      'INTERNAL: invoice 1/2 state is not valid JSON',
    );
  });
});
