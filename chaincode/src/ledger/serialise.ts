/**
 * Deterministic serialisation: every endorsing peer must produce the same bytes,
 * so object keys are written in sorted order and only plain JSON values are accepted.
 */
import { ErrorCode, chaincodeError } from '../domain/errors';

function fail(path: string, problem: string): never {
  throw chaincodeError(ErrorCode.INTERNAL, `cannot serialise ${path === '' ? 'value' : path}: ${problem}`);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        return fail(path, `non-finite number ${value}`);
      }
      return JSON.stringify(value);
    case 'object': {
      if (value === null) {
        return 'null';
      }
      if (seen.has(value)) {
        return fail(path, 'circular reference');
      }
      seen.add(value);
      let text: string;
      if (Array.isArray(value)) {
        const items: unknown[] = value;
        text = `[${items.map((item, index) => write(item, `${path}[${index}]`, seen)).join(',')}]`;
      } else if (isPlainObject(value)) {
        const record = value as Readonly<Record<string, unknown>>;
        const members = Object.keys(record)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${write(record[key], path === '' ? key : `${path}.${key}`, seen)}`);
        text = `{${members.join(',')}}`;
      } else {
        return fail(path, 'only plain objects and arrays are allowed');
      }
      seen.delete(value);
      return text;
    }
    default:
      return fail(path, `unsupported type ${typeof value}`);
  }
}

/** JSON with object keys sorted by UTF-16 code units, no white space. Rejects undefined, NaN, functions, class instances. */
export function canonicalJson(value: unknown): string {
  return write(value, '', new Set());
}

export function encodeState(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Decodes UTF-8 JSON read from the ledger; the result still has to be checked by a domain parser. */
export function decodeState(bytes: Uint8Array, what: string): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    throw chaincodeError(ErrorCode.INTERNAL, `${what} is not valid JSON`);
  }
}
