import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError, type ErrorBody } from '../errors';
import type { Logger } from '../logger';

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

/** Multer limits on sizes (413); the others limit counts and names (400). */
const MULTER_SIZE_LIMITS = new Set(['LIMIT_FILE_SIZE', 'LIMIT_FIELD_VALUE']);

function multerError(err: multer.MulterError): AppError {
  const field = err.field ?? 'body';
  const text = MULTER_MESSAGES[err.code] ?? err.message.toLowerCase();
  return new AppError(MULTER_SIZE_LIMITS.has(err.code) ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION', `${field}: ${text}`);
}

/**
 * Shape of the client errors of Express's body parsers and router (http-errors): a 4xx status, the
 * body parser's `type`, and zlib's `code` when a compressed body does not decompress.
 */
const clientHttpErrorSchema = z.object({
  status: z.number().int().min(400).max(499),
  type: z.string().optional(),
  code: z.string().optional(),
});

const BODY_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError('VALIDATION', 'body: malformed JSON'),
  'entity.too.large': () => new AppError('PAYLOAD_TOO_LARGE', 'body: request body is too large'),
  'encoding.unsupported': () =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 'content-encoding: not supported (gzip, deflate, br or none)'),
  'charset.unsupported': () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'content-type: unsupported charset'),
};

/** A client error raised while reading the request (body parser, path decoding), or undefined. */
function requestReadingError(err: Error): AppError | undefined {
  const parsed = clientHttpErrorSchema.safeParse(err);
  if (!parsed.success) return undefined;
  if (err instanceof URIError) return new AppError('VALIDATION', 'path: malformed percent-encoding');
  const known = parsed.data.type === undefined ? undefined : BODY_ERRORS[parsed.data.type];
  if (known) return known();
  if (parsed.data.code?.startsWith('Z_') === true) {
    return new AppError('VALIDATION', 'body: cannot be decoded as its content-encoding says');
  }
  return new AppError('VALIDATION', 'body: request body could not be read');
}

/** Maps anything thrown in a handler to an AppError; unknown errors become INTERNAL. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  if (err instanceof multer.MulterError) return multerError(err);
  const fromRequest = err instanceof Error ? requestReadingError(err) : undefined;
  if (fromRequest) return fromRequest;
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

export type ErrorLogger = Pick<Logger, 'info' | 'error'>;

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/**
 * The one error handler: answers `{ code, message }`. Failures of the server (5xx) are logged as
 * errors without exposing them; a client's mistake (4xx) is logged at info level.
 */
export function errorHandler(logger: ErrorLogger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const appError = toAppError(err);
    const fields = {
      requestId: res.getHeader('X-Request-Id'),
      method: req.method,
      path: req.path,
      status: appError.status,
      code: appError.code,
    };
    if (appError.status >= 500) {
      logger.error('request failed', { ...fields, error: describeCause(appError.cause ?? err) });
    } else {
      const cause = appError.cause ?? (err === appError ? undefined : err);
      logger.info('request refused', {
        ...fields,
        message: appError.message,
        ...(cause === undefined ? {} : { cause: describeCause(cause) }),
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
