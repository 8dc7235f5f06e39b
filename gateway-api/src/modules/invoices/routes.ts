import type { Request } from 'express';
import multer from 'multer';
import { currentUser, requireInvoiceIssuer } from '../auth/middleware';
import type { InvoiceService } from './service';
import type { RedFlushService } from './red-flush';
import type { UpdateService } from './update';
import { lifecycleResponseSchema } from './lifecycle-routes';
import { answerHeaders, IDEMPOTENCY_HEADER, idempotencyKeyOf } from './idempotency-header';
import { AppError } from '../../errors';
import { multipartBody } from '../../http/multipart';
import { bodyFields, parse, parseJsonField } from '../../http/parse';
import { type MultipartPart, type Reply, type ResponseSpec, type Route, route } from '../../http/route';
import {
  checkCodeResponseSchema,
  invoiceContentResponseSchema,
  historyResponseSchema,
  invoiceDataSchema,
  invoiceParamsSchema,
  invoiceResponseSchema,
  issuanceParamsSchema,
  issuanceResponseSchema,
  issuePendingResponseSchema,
  issueResponseSchema,
  pdfQuerySchema,
  redFlushPartSchema,
  redFlushResponseSchema,
  verifyBodySchema,
  verifyDataSchema,
  verifyResponseSchema,
} from './schemas';

const PDF_MAX_BYTES = 10 * 1024 * 1024;
const JSON_PART_MAX_BYTES = 1024 * 1024;
const PDF_MAGIC = Buffer.from('%PDF-', 'ascii');

/**
 * Multipart parsing in memory: the file `pdf` of at most 10 MB, a JSON part of at most 1 MB (a
 * text field, or a file part as browsers send a Blob), a few small text fields.
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: PDF_MAX_BYTES, files: 2, fields: 8, fieldSize: JSON_PART_MAX_BYTES, parts: 12 },
});

/** Parses a multipart body with the file `pdf` and the JSON part `jsonPart`, either of them optional. */
const multipartWith = (jsonPart: string) =>
  multipartBody(
    upload.fields([
      { name: 'pdf', maxCount: 1 },
      { name: jsonPart, maxCount: 1 },
    ]),
  );

function fileOf(req: Request, name: string): Express.Multer.File | undefined {
  const files = req.files;
  return files === undefined || Array.isArray(files) ? undefined : files[name]?.[0];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a JSON part: a text field, or a file part of at most 1 MB of UTF-8. */
function jsonPartText(req: Request, name: string): string | undefined {
  const field = bodyFields(req.body)[name];
  if (typeof field === 'string') return field;
  const file = fileOf(req, name);
  if (file === undefined) return undefined;
  if (file.size > JSON_PART_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `${name}: part is too large`);
  try {
    return UTF8.decode(file.buffer);
  } catch {
    throw new AppError('VALIDATION', `${name}: must be JSON text in UTF-8`);
  }
}

function pdfOf(req: Request, required: true): Buffer;
function pdfOf(req: Request, required: false): Buffer | undefined;
function pdfOf(req: Request, required: boolean): Buffer | undefined {
  const file = fileOf(req, 'pdf');
  if (!file) {
    if (required) throw new AppError('VALIDATION', 'pdf: file is required (multipart part "pdf")');
    return undefined;
  }
  if (file.size < PDF_MAGIC.length || !file.buffer.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
    throw new AppError('VALIDATION', 'pdf: must be a PDF document (starting with %PDF-)');
  }
  return file.buffer;
}

const ISSUE_PARTS: Record<string, MultipartPart> = {
  invoice: {
    kind: 'json',
    schema: invoiceDataSchema,
    required: true,
    description: 'The invoice data as JSON: a text field or a file part, at most 1 MB',
  },
  pdf: { kind: 'file', contentType: 'application/pdf', required: true, description: 'The invoice PDF, at most 10 MB' },
};

const VERIFY_PARTS: Record<string, MultipartPart> = {
  code: { kind: 'text', schema: verifyBodySchema.shape.code, required: true },
  number: { kind: 'text', schema: verifyBodySchema.shape.number, required: true },
  checkCode: { kind: 'text', schema: verifyBodySchema.shape.checkCode, required: true },
  data: { kind: 'json', schema: verifyDataSchema, required: false },
  pdf: { kind: 'file', contentType: 'application/pdf', required: false, description: 'PDF to compare' },
};

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Issue: multipart with the JSON text part `invoice` and the file `pdf`. */
async function issue(invoices: InvoiceService, req: Request): Promise<Reply> {
  const invoiceText = jsonPartText(req, 'invoice');
  if (invoiceText === undefined) {
    throw new AppError('VALIDATION', 'invoice: required (multipart text part holding the invoice JSON)');
  }
  const data = parse(invoiceDataSchema, parseJsonField(invoiceText, 'invoice'));
  const pdf = pdfOf(req, true);
  const { kind, result, replayed } = await invoices.issueInvoice(currentUser(req), data, pdf, idempotencyKeyOf(req));
  const location = `/api/v1/invoices/${result.code}/${result.number}`;
  const headers = answerHeaders(replayed);
  if (kind === 'pending')
    return { status: 202, body: result, headers: { ...headers, Location: `${location}/issuance` } };
  return { status: 201, body: result, headers: { ...headers, Location: location } };
}

const ISSUE_RESPONSES: Record<number, ResponseSpec> = {
  201: {
    description: 'Issued (or replayed: header Idempotent-Replayed: true)',
    headers: { Location: { schema: { type: 'string' } } },
    schema: issueResponseSchema,
  },
  202: {
    description:
      'Accepted, not yet on chain (the ordering service is unreachable): retried until it lands exactly once; ' +
      'Location is its issuance resource. Repeating the same request answers the same way.',
    headers: { Location: { schema: { type: 'string' } } },
    schema: issuePendingResponseSchema,
  },
};

function issueRoute(invoices: InvoiceService): Route {
  return route({
    method: 'post',
    path: '/invoices',
    operationId: 'issueInvoice',
    tag: 'invoices',
    summary: 'Issue an invoice (billing clerks of a hospital organisation)',
    description:
      'Stores the PDF and the structured data SM4-encrypted off chain and anchors their SM3 digests, ' +
      'the payer pseudonym and the check code protected by PBKDF2-HMAC-SM3 (random salt per invoice) on chain. ' +
      "The issuing unit is the name the org registry on the ledger holds for the clerk's organisation; the code " +
      'must be in a range allocated to it (403 CODE_NOT_ALLOCATED; 409 ORG_NOT_REGISTERED before registration). ' +
      'The data digest is SM3 of the canonical JSON of the `invoice` part plus `checkCode`.',
    auth: 'bearer',
    before: [requireInvoiceIssuer, multipartWith('invoice')],
    headers: [IDEMPOTENCY_HEADER],
    body: { multipart: ISSUE_PARTS },
    responses: ISSUE_RESPONSES,
    errors: [400, 401, 403, 409, 422, 503],
    handle: async ({ req }) => issue(invoices, req),
  });
}

/** Verify: JSON, or multipart with text fields and an optional `pdf` file. */
function verifyRoute(invoices: InvoiceService): Route {
  return route({
    method: 'post',
    path: '/invoices/verify',
    operationId: 'verifyInvoice',
    tag: 'invoices',
    summary: 'Verify an invoice (查验): authentic, tampered or unknown',
    description:
      'A wrong check code (or an unknown invoice) is a failed guess: recorded, and limited per user and ' +
      'invoice, per invoice and per user over a sliding window; past a limit the answer is 429 with Retry-After.',
    auth: 'bearer',
    before: [multipartWith('data')],
    body: { json: verifyBodySchema, multipart: VERIFY_PARTS },
    responses: { 200: { description: 'Verdict', schema: verifyResponseSchema } },
    errors: [400, 401, 503],
    handle: async ({ req }) => {
      const fields = bodyFields(req.body);
      const dataText = req.is('multipart/form-data') === false ? undefined : jsonPartText(req, 'data');
      if (dataText !== undefined) fields['data'] = parseJsonField(dataText, 'data');
      const input = parse(verifyBodySchema, fields);
      const pdf = pdfOf(req, false);
      const outcome = await invoices.verifyInvoice(currentUser(req), { ...input, pdf });
      return { status: 200, body: outcome, headers: NO_STORE };
    },
  });
}

function readRoutes(invoices: InvoiceService): Route[] {
  const read = route({
    method: 'get',
    path: '/invoices/:code/:number',
    operationId: 'readInvoice',
    tag: 'invoices',
    summary: "On-chain summary of an invoice (without the check code's salt and hash)",
    auth: 'bearer',
    params: invoiceParamsSchema,
    responses: { 200: { description: 'Invoice summary', schema: invoiceResponseSchema } },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.readInvoice(currentUser(req), params.code, params.number),
    }),
  });
  const history = route({
    method: 'get',
    path: '/invoices/:code/:number/history',
    operationId: 'invoiceHistory',
    tag: 'invoices',
    summary: 'Every on-chain change of an invoice, in ledger order',
    auth: 'bearer',
    params: invoiceParamsSchema,
    responses: { 200: { description: 'History', schema: historyResponseSchema } },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.history(currentUser(req), params.code, params.number),
    }),
  });
  return [read, history];
}

function checkCodeRoute(invoices: InvoiceService): Route {
  return route({
    method: 'get',
    path: '/invoices/:code/:number/check-code',
    operationId: 'recoverCheckCode',
    tag: 'invoices',
    summary: "The invoice's check code, for a billing clerk of the issuing organisation (reprinting)",
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: invoiceParamsSchema,
    responses: { 200: { description: 'Check code', schema: checkCodeResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.recoverCheckCode(currentUser(req), params.code, params.number),
      headers: NO_STORE,
    }),
  });
}

function contentRoute(invoices: InvoiceService): Route {
  return route({
    method: 'get',
    path: '/invoices/:code/:number/content',
    operationId: 'readInvoiceContent',
    tag: 'invoices',
    summary: "The invoice's structured data as it stands now (billing clerks of the issuing organisation)",
    description:
      'Payer, visit, items, amounts and payment split as last issued or updated, without the check code, e.g. to ' +
      'fill in the update form. Decrypted from the off-chain copy and served only when its SM3 is the data digest ' +
      "on chain (409 CONTENT_DIGEST_MISMATCH otherwise). Refused for another organisation's invoice and for anyone " +
      'but billing clerks (403); a red invoice has no such content (409 INVOICE_STATE_CONFLICT).',
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: invoiceParamsSchema,
    responses: { 200: { description: 'The current content', schema: invoiceContentResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.content(currentUser(req), params.code, params.number),
      headers: NO_STORE,
    }),
  });
}

function issuanceRoute(invoices: InvoiceService): Route {
  return route({
    method: 'get',
    path: '/invoices/:code/:number/issuance',
    operationId: 'readIssuance',
    tag: 'invoices',
    summary: 'How far issuing an invoice has got (billing clerks of the issuing organisation)',
    description:
      'After a 202 from issuing: ANCHORING while the ordering service is unreachable (retried), DONE once on chain ' +
      'and recorded. An issue the ledger refused, or one interrupted before its documents were stored, is undone ' +
      'and has no issuance (404).',
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: issuanceParamsSchema,
    responses: { 200: { description: 'The issuance', schema: issuanceResponseSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.issuanceOf(currentUser(req), params.code, params.number),
      headers: NO_STORE,
    }),
  });
}

const RED_FLUSH_PARTS: Record<string, MultipartPart> = {
  red: {
    kind: 'json',
    schema: redFlushPartSchema,
    required: true,
    description: "The red invoice's code and number and the reason, as JSON",
  },
  pdf: { kind: 'file', contentType: 'application/pdf', required: true, description: "The red invoice's PDF" },
};

function redFlushRoute(redFlush: RedFlushService): Route {
  return route({
    method: 'post',
    path: '/invoices/:code/:number/red-flush',
    operationId: 'redFlushInvoice',
    tag: 'invoices',
    summary: 'Cancel an invoice with a linked red invoice (红冲; billing clerks of the issuing hospital)',
    description:
      'Refused while a lock is active or after any reimbursement (409). The red invoice has its own code ' +
      '(allocated to the hospital), number, PDF and check code; the original becomes RED_FLUSHED in the same ' +
      'transaction.',
    auth: 'bearer',
    before: [requireInvoiceIssuer, multipartWith('red')],
    headers: [IDEMPOTENCY_HEADER],
    params: invoiceParamsSchema,
    body: { multipart: RED_FLUSH_PARTS },
    responses: {
      201: {
        description: 'The original as committed and the red invoice (or replayed: Idempotent-Replayed: true)',
        schema: redFlushResponseSchema,
      },
    },
    errors: [400, 401, 403, 404, 409, 422, 503],
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const redText = jsonPartText(req, 'red');
      if (redText === undefined) throw new AppError('VALIDATION', 'red: required (multipart part holding JSON)');
      const { reason, ...red } = parse(redFlushPartSchema, parseJsonField(redText, 'red'), ['red']);
      const pdf = pdfOf(req, true);
      const request = { red, reason, pdf, idempotencyKey: key };
      const { result, replayed } = await redFlush.redFlush(currentUser(req), params, request);
      return { status: 201, body: result, headers: answerHeaders(replayed) };
    },
  });
}

const UPDATE_PARTS: Record<string, MultipartPart> = {
  invoice: {
    kind: 'json',
    schema: invoiceDataSchema,
    required: true,
    description: "The corrected invoice data as JSON (as for issuing; code and number are the invoice's own)",
  },
  pdf: { kind: 'file', contentType: 'application/pdf', required: true, description: 'The corrected PDF' },
};

/** Update: multipart with the corrected `invoice` JSON part and the file `pdf`. */
async function updateInvoice(
  update: UpdateService,
  req: Request,
  id: { code: string; number: string },
): Promise<Reply> {
  const key = idempotencyKeyOf(req);
  const invoiceText = jsonPartText(req, 'invoice');
  if (invoiceText === undefined) throw new AppError('VALIDATION', 'invoice: required (multipart part holding JSON)');
  const data = parse(invoiceDataSchema, parseJsonField(invoiceText, 'invoice'), ['invoice']);
  const pdf = pdfOf(req, true);
  const { result, replayed } = await update.update(currentUser(req), id, { data, pdf, idempotencyKey: key });
  return { status: 200, body: result, headers: answerHeaders(replayed) };
}

function updateRoute(update: UpdateService): Route {
  return route({
    method: 'post',
    path: '/invoices/:code/:number/update',
    operationId: 'updateInvoice',
    tag: 'invoices',
    summary: 'Correct an invoice (修改; billing clerks of the issuing hospital), before any lock or claim',
    description:
      'Replaces the content anchored on chain (type, amounts, payer pseudonym, digests and content addresses of ' +
      'the structured data and the PDF) with `invoice:Update`; the check code stays the same. Refused for another ' +
      "hospital's invoice (403) and once the invoice was ever locked or claimed, or is closed (409 " +
      'INVOICE_STATE_CONFLICT). The off-chain record points at the new documents and keeps the replaced ones.',
    auth: 'bearer',
    before: [requireInvoiceIssuer, multipartWith('invoice')],
    headers: [IDEMPOTENCY_HEADER],
    params: invoiceParamsSchema,
    body: { multipart: UPDATE_PARTS },
    responses: {
      200: {
        description: 'The invoice as committed and the transaction id (or replayed: Idempotent-Replayed: true)',
        schema: lifecycleResponseSchema,
      },
    },
    errors: [400, 401, 403, 404, 409, 422, 503],
    handle: async ({ req, params }) => updateInvoice(update, req, params),
  });
}

function pdfRoute(invoices: InvoiceService): Route {
  return route({
    method: 'get',
    path: '/invoices/:code/:number/pdf',
    operationId: 'downloadInvoicePdf',
    tag: 'invoices',
    summary: 'The original PDF, for whoever knows the check code',
    description:
      'The check code is limited and recorded like one given to verify (429 with Retry-After). A stored copy ' +
      'whose SM3 is not the pdfDigest on chain is never served (409 CONTENT_DIGEST_MISMATCH).',
    auth: 'bearer',
    params: invoiceParamsSchema,
    query: pdfQuerySchema,
    responses: {
      200: {
        description: 'PDF bytes; their SM3 equals the pdfDigest on chain',
        content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      },
    },
    errors: [400, 401, 404, 409, 503],
    handle: async ({ req, params, query }) => {
      const { code, number } = params;
      const bytes = await invoices.downloadPdf(currentUser(req), code, number, query.checkCode);
      const headers = { 'Content-Disposition': `attachment; filename="${code}-${number}.pdf"`, ...NO_STORE };
      return { status: 200, file: bytes, contentType: 'application/pdf', headers };
    },
  });
}

/** Routes of the invoice resource; every one requires authentication. */
export function invoiceRoutes(invoices: InvoiceService, redFlush: RedFlushService, update: UpdateService): Route[] {
  return [
    redFlushRoute(redFlush),
    updateRoute(update),
    issueRoute(invoices),
    verifyRoute(invoices),
    ...readRoutes(invoices),
    checkCodeRoute(invoices),
    contentRoute(invoices),
    issuanceRoute(invoices),
    pdfRoute(invoices),
  ];
}
