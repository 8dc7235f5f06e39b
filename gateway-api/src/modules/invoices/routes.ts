import type { Request } from 'express';
import multer from 'multer';
import { currentUser, requireInvoiceIssuer } from '../auth/middleware';
import type { InvoiceService } from './service';
import { AppError } from '../../errors';
import { bodyFields, parse, parseJsonField } from '../../http/parse';
import { type JsonObject, type Reply, type Route, route } from '../../http/route';
import {
  checkCodeResponseSchema,
  historyResponseSchema,
  idempotencyKeySchema,
  invoiceDataSchema,
  invoiceParamsSchema,
  invoiceResponseSchema,
  issueResponseSchema,
  pdfQuerySchema,
  verifyBodySchema,
  verifyResponseSchema,
} from './schemas';

const PDF_MAX_BYTES = 10 * 1024 * 1024;
const PDF_MAGIC = Buffer.from('%PDF-', 'ascii');

/** Multipart parsing in memory: one file `pdf` of at most 10 MB, a few small text fields. */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: PDF_MAX_BYTES, files: 1, fields: 8, fieldSize: 1024 * 1024, parts: 12 },
});

function pdfOf(req: Request, required: true): Buffer;
function pdfOf(req: Request, required: false): Buffer | undefined;
function pdfOf(req: Request, required: boolean): Buffer | undefined {
  const file = req.file;
  if (!file) {
    if (required) throw new AppError('VALIDATION', 'pdf: file is required (multipart part "pdf")');
    return undefined;
  }
  if (file.size < PDF_MAGIC.length || !file.buffer.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
    throw new AppError('VALIDATION', 'pdf: must be a PDF document (starting with %PDF-)');
  }
  return file.buffer;
}

const ISSUE_FORM: JsonObject = {
  schema: {
    type: 'object',
    required: ['invoice', 'pdf'],
    properties: {
      invoice: { type: 'string', description: 'JSON text of InvoiceData (#/components/schemas/InvoiceData)' },
      pdf: { type: 'string', format: 'binary', description: 'The invoice PDF, at most 10 MB' },
    },
  },
  encoding: { invoice: { contentType: 'application/json' }, pdf: { contentType: 'application/pdf' } },
};

const VERIFY_FORM: JsonObject = {
  schema: {
    type: 'object',
    required: ['code', 'number', 'checkCode'],
    properties: {
      code: { type: 'string', pattern: '^\\d{8}$' },
      number: { type: 'string', pattern: '^\\d{10}$' },
      checkCode: { type: 'string', pattern: '^[0-9A-Z]{6}$' },
      data: { type: 'string', description: 'JSON text of the structured data (optional)' },
      pdf: { type: 'string', format: 'binary', description: 'PDF to compare (optional)' },
    },
  },
};

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Issue: multipart with the JSON text part `invoice` and the file `pdf`. */
async function issue(invoices: InvoiceService, req: Request): Promise<Reply> {
  const invoiceText = bodyFields(req.body)['invoice'];
  if (typeof invoiceText !== 'string') {
    throw new AppError('VALIDATION', 'invoice: required (multipart text part holding the invoice JSON)');
  }
  const data = parse(invoiceDataSchema, parseJsonField(invoiceText, 'invoice'));
  const pdf = pdfOf(req, true);
  const keyHeader = req.get('Idempotency-Key');
  const key = keyHeader === undefined ? undefined : parse(idempotencyKeySchema, keyHeader, ['Idempotency-Key']);
  const { result, replayed } = await invoices.issueInvoice(currentUser(req), data, pdf, key);
  const location = `/api/v1/invoices/${result.code}/${result.number}`;
  return {
    status: 201,
    body: result,
    headers: { ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}), Location: location },
  };
}

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
    before: [requireInvoiceIssuer, upload.single('pdf')],
    headers: [
      {
        name: 'Idempotency-Key',
        required: false,
        description: 'Repeating a request with the same key returns the first response instead of issuing again',
        schema: idempotencyKeySchema,
      },
    ],
    body: { multipart: ISSUE_FORM },
    responses: {
      201: {
        description: 'Issued (or replayed: header Idempotent-Replayed: true)',
        headers: { Location: { schema: { type: 'string' } } },
        schema: issueResponseSchema,
      },
    },
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
    before: [upload.single('pdf')],
    body: { json: verifyBodySchema, multipart: VERIFY_FORM },
    responses: { 200: { description: 'Verdict', schema: verifyResponseSchema } },
    errors: [400, 401, 503],
    handle: async ({ req }) => {
      const fields = bodyFields(req.body);
      if (req.is('multipart/form-data') !== false && typeof fields['data'] === 'string') {
        fields['data'] = parseJsonField(fields['data'], 'data');
      }
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
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await invoices.recoverCheckCode(currentUser(req), params.code, params.number),
      headers: NO_STORE,
    }),
  });
}

function pdfRoute(invoices: InvoiceService): Route {
  return route({
    method: 'get',
    path: '/invoices/:code/:number/pdf',
    operationId: 'downloadInvoicePdf',
    tag: 'invoices',
    summary: 'The original PDF, for whoever knows the check code',
    description: 'The check code is limited and recorded like one given to verify (429 with Retry-After).',
    auth: 'bearer',
    params: invoiceParamsSchema,
    query: pdfQuerySchema,
    responses: {
      200: {
        description: 'PDF bytes; their SM3 equals the pdfDigest on chain',
        content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
      },
    },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params, query }) => {
      const { code, number } = params;
      const bytes = await invoices.downloadPdf(currentUser(req), code, number, query.checkCode);
      const headers = { 'Content-Disposition': `attachment; filename="${code}-${number}.pdf"`, ...NO_STORE };
      return { status: 200, file: bytes, contentType: 'application/pdf', headers };
    },
  });
}

/** Routes of the invoice resource; every one requires authentication. */
export function invoiceRoutes(invoices: InvoiceService): Route[] {
  return [
    issueRoute(invoices),
    verifyRoute(invoices),
    ...readRoutes(invoices),
    checkCodeRoute(invoices),
    pdfRoute(invoices),
  ];
}
