import { OffchainError } from '../errors';

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, arrays in order.
 * Accepts only JSON values (null, booleans, finite numbers, strings, arrays, plain objects);
 * undefined, NaN, infinities, functions, symbols, bigints, class instances (Date, Buffer, Map…)
 * and cycles are rejected with INVALID_ARGUMENT naming the path.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set<object>());
}

function fail(path: string, text: string): OffchainError {
  return new OffchainError('INVALID_ARGUMENT', `${path} ${text}`);
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw fail(path, 'must be a finite number');
      // JSON.stringify gives the shortest round-trip form and prints -0 as 0.
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, path, ancestors);
    case 'undefined':
      throw fail(path, 'is undefined, which JSON cannot represent');
    default:
      throw fail(path, `is a ${typeof value}, which JSON cannot represent`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw fail(path, 'is a circular reference');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let i = 0; i < value.length; i += 1) {
        if (!Object.prototype.hasOwnProperty.call(value, i)) throw fail(`${path}[${i}]`, 'is a hole in a sparse array');
        parts.push(write(value[i], `${path}[${i}]`, ancestors));
      }
      return `[${parts.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw fail(path, 'must be a plain object (class instances such as Date or Buffer are not JSON)');
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw fail(path, 'must not have symbol keys');
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`);
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
