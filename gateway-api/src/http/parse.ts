import type { z } from 'zod';
import { AppError } from '../errors';
import { validationError } from './errors';

/** Parses `value` with `schema`, or throws a VALIDATION error naming the fields (after `prefix`). */
export function parse<T extends z.ZodType>(schema: T, value: unknown, prefix: PropertyKey[] = []): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

/** Parses a JSON text carried in a form field. */
export function parseJsonField(text: string, field: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    throw new AppError('VALIDATION', `${field}: malformed JSON`);
  }
}

/** Copies the own string-valued fields of a parsed body (multer gives a null-prototype object). */
export function bodyFields(body: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body)) fields[name] = value;
  }
  return fields;
}
