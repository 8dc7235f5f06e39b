/** The Idempotency-Key header of the invoice write routes: how it is documented, read and answered. */
import type { Request } from 'express';
import { parse } from '../../http/parse';
import type { HeaderSpec } from '../../http/route';
import { idempotencyKeySchema } from './schemas';

export const IDEMPOTENCY_HEADER: HeaderSpec = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Repeating a request with the same key returns the first response instead of writing again',
  schema: idempotencyKeySchema,
};

/** The request's Idempotency-Key; a malformed one is refused (400, naming the header). */
export function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.get(IDEMPOTENCY_HEADER.name);
  return header === undefined ? undefined : parse(idempotencyKeySchema, header, [IDEMPOTENCY_HEADER.name]);
}

/** Headers of a write's answer: never cached, and marked when it is the first answer replayed. */
export function answerHeaders(replayed: boolean): Record<string, string> {
  return { ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}), 'Cache-Control': 'no-store' };
}
