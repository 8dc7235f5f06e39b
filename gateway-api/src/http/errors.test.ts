import express from 'express';
import multer from 'multer';
import request from 'supertest';
import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES, statusOf } from '@hdt/vocabulary';
import { AppError } from '../errors';
import { errorHandler, formatPath, toAppError } from './errors';

describe('error catalogue', () => {
  it('maps every code to its HTTP status', () => {
    const statuses = Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_CATALOGUE[code].status]));
    expect(statuses).toEqual({
      ACCESS_ANCHOR_CONFLICT: 409,
      ACCESS_ANCHOR_NOT_FOUND: 404,
      ACCESS_DECISION_NOT_FOUND: 404,
      ACCESS_RECORD_NOT_FOUND: 404,
      ACCESS_REFUSED: 403,
      INVALID_ARGUMENT: 400,
      VALIDATION: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      INVOICE_NOT_FOUND: 404,
      NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      INVOICE_EXISTS: 409,
      INVOICE_STATE_CONFLICT: 409,
      AMOUNT_UNAVAILABLE: 409,
      CLAIM_EXISTS: 409,
      LOCK_NOT_ACTIVE: 409,
      NOT_LOCK_HOLDER: 403,
      CODE_NOT_ALLOCATED: 403,
      CODE_RANGE_OVERLAP: 409,
      ORG_NOT_REGISTERED: 409,
      POLICY_VERSION_CONFLICT: 409,
      RECORD_EXISTS: 409,
      RECORD_NOT_FOUND: 404,
      RECORD_NOT_OWNER: 403,
      RECORD_RETRACTED: 409,
      BATCH_NOT_FOUND: 404,
      RECORD_QUALITY_FAILED: 422,
      QUALITY_ERROR_NOT_FOUND: 404,
      QUALITY_ERROR_RESOLVED: 409,
      RESIDENT_NOT_FOUND: 404,
      SHARE_LINK_EXPIRED: 410,
      SHARE_LINK_NOT_FOUND: 404,
      SHARE_LINK_WITHDRAWN: 410,
      EMPI_LINK_NOT_FOUND: 404,
      EMPI_CONFLICT: 409,
      RESIDENT_KEY_EXISTS: 409,
      RESIDENT_KEY_UNKNOWN: 404,
      RESIDENT_KEY_SUPERSEDED: 409,
      SIGNATURE_INVALID: 403,
      SIGNATURE_STALE: 403,
      NONCE_REUSED: 409,
      GRANT_EXISTS: 409,
      GRANT_NOT_FOUND: 404,
      GRANT_VERSION_CONFLICT: 409,
      CONSENT_NOT_ACTIVE: 409,
      ACCESS_REQUEST_NOT_FOUND: 404,
      ACCESS_REQUEST_DECIDED: 409,
      ACCESS_REQUEST_EXPIRED: 409,
      REQUEST_GRANT_MISMATCH: 409,
      NOTIFICATION_NOT_FOUND: 404,
      CONTENT_DIGEST_MISMATCH: 409,
      CONTENT_NOT_STORED: 404,
      EMPI_AUDIT_ANCHOR_CONFLICT: 409,
      CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      IDEMPOTENCY_KEY_REUSED: 422,
      RATE_LIMITED: 429,
      INTERNAL: 500,
      LEDGER_UNAVAILABLE: 503,
      STORAGE_UNAVAILABLE: 503,
    });
  });

  it('treats unknown codes as internal', () => {
    expect(statusOf('INVOICE_LOCKED')).toBe(500);
    expect(statusOf('INVOICE_EXISTS')).toBe(409);
  });

  it('gives an AppError the status of its code', () => {
    const err = new AppError('IDEMPOTENCY_KEY_REUSED', 'reused');
    expect(err.status).toBe(422);
    expect(err.code).toBe('IDEMPOTENCY_KEY_REUSED');
    for (const code of ERROR_CODES) expect(new AppError(code, 'x').status).toBe(statusOf(code));
  });
});

describe('toAppError', () => {
  it('turns zod errors into VALIDATION naming the field path', () => {
    const schema = z.object({
      payment: z.object({ selfPay: z.number().int() }),
      items: z.array(z.object({ amount: z.number() })),
    });
    const result = schema.safeParse({ payment: { selfPay: 1.5 }, items: [{ amount: 'x' }] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const err = toAppError(result.error);
    expect(err.code).toBe('VALIDATION');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^payment\.selfPay: .+; items\[0\]\.amount: /);
  });

  it('names each unknown key of a strict object as the field itself', () => {
    const schema = z.strictObject({ code: z.string(), visit: z.strictObject({ date: z.string() }) });
    const result = schema.safeParse({ code: '1', issuingUnit: 'x', visit: { date: 'd', ward: 3 } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(toAppError(result.error).message).toBe(
      'visit.ward: is not a known field; issuingUnit: is not a known field',
    );
  });

  it('sends the headers an AppError carries with its { code, message } body', async () => {
    const app = express();
    app.get('/limited', () => {
      throw new AppError('RATE_LIMITED', 'slow down', { headers: { 'Retry-After': '42' } });
    });
    app.use(errorHandler({ info: () => undefined, error: () => undefined }));
    const res = await request(app).get('/limited');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.body).toEqual({ code: 'RATE_LIMITED', message: 'slow down' });
  });

  it('names the field of multer errors; sizes over their limit are 413', () => {
    const err = toAppError(new multer.MulterError('LIMIT_FILE_SIZE', 'pdf'));
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, message: 'pdf: file is too large' });
    const field = toAppError(new multer.MulterError('LIMIT_FIELD_VALUE', 'invoice'));
    expect(field).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: 'invoice: field value is too long',
    });
    const count = toAppError(new multer.MulterError('LIMIT_PART_COUNT'));
    expect(count).toMatchObject({ code: 'VALIDATION', status: 400, message: 'body: too many parts' });
  });

  it('turns body-parser errors into 400 without internals', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected token } in JSON at position 3'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(toAppError(syntax)).toMatchObject({ code: 'VALIDATION', message: 'body: malformed JSON' });
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });
    expect(toAppError(tooLarge)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: 'body: request body is too large',
    });
    const encoding = Object.assign(new Error('unsupported content encoding "compress"'), {
      type: 'encoding.unsupported',
      status: 415,
    });
    expect(toAppError(encoding)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
    const charset = Object.assign(new Error('unsupported charset "KOI8-R"'), {
      type: 'charset.unsupported',
      status: 415,
    });
    expect(toAppError(charset)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
    const gunzip = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400 });
    expect(toAppError(gunzip)).toMatchObject({
      code: 'VALIDATION',
      message: 'body: cannot be decoded as its content-encoding says',
    });
    const aborted = Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 });
    expect(toAppError(aborted)).toMatchObject({ code: 'VALIDATION', message: 'body: request body could not be read' });
  });

  it('turns a malformed percent-encoding in the path into 400', () => {
    const err = Object.assign(new URIError("Failed to decode param '%ZZ'"), { status: 400 });
    expect(toAppError(err)).toMatchObject({ code: 'VALIDATION', message: 'path: malformed percent-encoding' });
  });

  it('keeps errors of 5xx status internal', () => {
    const err = Object.assign(new Error('boom'), { status: 502 });
    expect(toAppError(err)).toMatchObject({ code: 'INTERNAL' });
  });

  it('hides anything else behind INTERNAL', () => {
    const err = toAppError(new Error('connection string mongodb://user:pw@host'));
    expect(err).toMatchObject({ code: 'INTERNAL', status: 500, message: 'internal error' });
  });

  it('formats paths', () => {
    expect(formatPath([])).toBe('body');
    expect(formatPath(['visit', 'dischargeDate'])).toBe('visit.dischargeDate');
    expect(formatPath(['items', 2, 'name'])).toBe('items[2].name');
  });
});
