import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../errors';

/** What the multipart parser's own errors mean for the client (they never name a field). */
const PARSER_MESSAGES: Record<string, string> = {
  'Multipart: Boundary not found': 'content-type: multipart/form-data needs a boundary parameter',
  'Malformed content type': 'content-type: malformed multipart/form-data content type',
  'Unexpected end of form': 'body: the multipart body ends before its closing boundary (truncated)',
  'Malformed part header': 'body: malformed multipart part header',
};

/**
 * An error of multipart parsing as the client's mistake: limits stay multer errors (the error
 * handler names their field), anything else the parser raises is a malformed or truncated body.
 */
function multipartError(err: unknown): unknown {
  if (err instanceof AppError || err instanceof multer.MulterError) return err;
  const message = err instanceof Error ? PARSER_MESSAGES[err.message] : undefined;
  return new AppError('VALIDATION', message ?? 'body: malformed multipart body', { cause: err });
}

/** The Content-Encoding of a multipart request, unless it is absent or `identity`. */
function multipartEncoding(req: Request): string | undefined {
  if (req.is('multipart/form-data') === false) return undefined;
  const encoding = req.get('Content-Encoding')?.trim().toLowerCase();
  return encoding === undefined || encoding === '' || encoding === 'identity' ? undefined : encoding;
}

/**
 * Wraps a multer middleware: a multipart body must not be content-encoded (415), and the parser's
 * errors become 400s naming what is wrong instead of internal errors.
 */
export function multipartBody(upload: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (multipartEncoding(req) !== undefined) {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'content-encoding: multipart bodies are accepted unencoded only'));
      return;
    }
    void upload(req, res, (err?: unknown) => {
      next(err === undefined ? undefined : multipartError(err));
    });
  };
}
