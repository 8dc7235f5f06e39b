import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode, type ErrorStatus } from '@hdt/vocabulary';

/** An error whose code and message may be shown to the client, with response headers (e.g. Retry-After). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.headers = { ...options?.headers };
  }
}

/** Body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export const errorResponseSchema = z.object({
  code: z.string().describe('Stable error code, e.g. VALIDATION, INVOICE_EXISTS'),
  message: z.string(),
});
