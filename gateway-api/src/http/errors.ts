import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError, type ErrorBody } from '../errors';

/** Renders a zod issue path as `payment.selfPay` or `items[0].amount`; the root is `body`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      const name = String(segment);
      out += out === '' ? name : `.${name}`;
    }
  }
  return out === '' ? 'body' : out;
}

/** `field: message` for one issue; an unknown key is named itself (`issuingUnit: is not a known field`). */
function issueTexts(issue: z.core.$ZodIssue, prefix: ReadonlyArray<PropertyKey>): string[] {
  const at = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `${formatPath([...at, key])}: is not a known field`);
  return [`${formatPath(at)}: ${issue.message}`];
}

/** Turns a zod error into a VALIDATION error naming each offending field. */
export function validationError(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): AppError {
  const parts = error.issues.flatMap((issue) => issueTexts(issue, prefix)).slice(0, 10);
  return new AppError('VALIDATION', parts.join('; '));
}

const MULTER_MESSAGES: Record<string, string> = {
  LIMIT_FILE_SIZE: 'file is too large',
  LIMIT_FILE_COUNT: 'too many files',
  LIMIT_UNEXPECTED_FILE: 'unexpected file field',
  LIMIT_FIELD_VALUE: 'field value is too long',
  LIMIT_FIELD_KEY: 'field name is too long',
  LIMIT_FIELD_COUNT: 'too many fields',
  LIMIT_PART_COUNT: 'too many parts',
};

function multerError(err: multer.MulterError): AppError {
  const field = err.field ?? 'body';
  const text = MULTER_MESSAGES[err.code] ?? err.message.toLowerCase();
  return new AppError('VALIDATION', `${field}: ${text}`);
}

/** Shape of the errors thrown by body-parser (express.json). */
const bodyParserErrorSchema = z.object({
  type: z.string(),
  status: z.number().int(),
});

function bodyParserError(err: unknown): AppError | undefined {
  if (!(err instanceof Error)) return undefined;
  const parsed = bodyParserErrorSchema.safeParse(err);
  if (!parsed.success) return undefined;
  switch (parsed.data.type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION', 'body: malformed JSON');
    case 'entity.too.large':
      return new AppError('VALIDATION', 'body: request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('VALIDATION', 'body: unsupported encoding');
    default:
      return parsed.data.status >= 400 && parsed.data.status < 500
        ? new AppError('VALIDATION', 'body: request body could not be read')
        : undefined;
  }
}

/** Maps anything thrown in a handler to an AppError; unknown errors become INTERNAL. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  if (err instanceof multer.MulterError) return multerError(err);
  const fromBody = bodyParserError(err);
  if (fromBody) return fromBody;
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

export interface ErrorLogger {
  error(message: string, fields: Record<string, unknown>): void;
}

/** The one error handler: answers `{ code, message }`; logs internal errors without exposing them. */
export function errorHandler(logger: ErrorLogger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const appError = toAppError(err);
    if (appError.status >= 500) {
      const cause = appError.cause ?? err;
      logger.error('request failed', {
        requestId: res.getHeader('X-Request-Id'),
        method: req.method,
        path: req.path,
        code: appError.code,
        error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      });
    }
    const body: ErrorBody = { code: appError.code, message: appError.message };
    res.status(appError.status).set(appError.headers).json(body);
  };
}

/** Fallback for unknown routes. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
