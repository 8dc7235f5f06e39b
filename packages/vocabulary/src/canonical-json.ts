/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no white space, arrays in order.
 * Every endorsing peer must write the same bytes, and a digest over data must not depend on
 * key order, so the chaincode and the gateway both encode with this one function.
 * Only JSON values are accepted (null, booleans, finite numbers, strings, arrays, plain
 * objects); undefined, NaN, infinities, functions, symbols, bigints, class instances (Date,
 * Buffer, Map ...), sparse arrays and cycles fail with a CanonicalJsonError naming the path.
 */
export class CanonicalJsonError extends Error {
  /** Where the value fails, e.g. `$.items[0].amount`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path} ${problem}`);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set<object>());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, 'must be a finite number');
      // JSON.stringify gives the shortest round-trip form and prints -0 as 0.
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, path, ancestors);
    case 'undefined':
      throw new CanonicalJsonError(path, 'is undefined, which JSON cannot represent');
    default:
      throw new CanonicalJsonError(path, `is a ${typeof value}, which JSON cannot represent`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(path, 'is a circular reference');
  ancestors.add(value);
  try {
    return Array.isArray(value) ? writeArray(value, path, ancestors) : writeObject(value, path, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function writeArray(value: readonly unknown[], path: string, ancestors: Set<object>): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 1) {
    if (!Object.prototype.hasOwnProperty.call(value, i)) {
      throw new CanonicalJsonError(`${path}[${i}]`, 'is a hole in a sparse array');
    }
    parts.push(write(value[i], `${path}[${i}]`, ancestors));
  }
  return `[${parts.join(',')}]`;
}

function writeObject(value: object, path: string, ancestors: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(path, 'must be a plain object (class instances such as Date or Buffer are not JSON)');
  }
  if (Object.getOwnPropertySymbols(value).length > 0) throw new CanonicalJsonError(path, 'must not have symbol keys');
  const record = value as Record<string, unknown>;
  const parts = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`);
  return `{${parts.join(',')}}`;
}
