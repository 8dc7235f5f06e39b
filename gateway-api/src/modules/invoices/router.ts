import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { currentUser, requireInvoiceIssuer } from '../auth/middleware';
import type { InvoiceService } from './service';
import { AppError } from '../../errors';
import { bodyFields, parse, parseJsonField } from '../../http/parse';
import {
  checkCodeResponseSchema,
  idempotencyKeySchema,
  invoiceDataSchema,
  invoiceParamsSchema,
  issueResponseSchema,
  pdfQuerySchema,
  verifyBodySchema,
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

type Handler = (req: Request, res: Response) => Promise<void>;

/** Issue: multipart with the JSON text part `invoice` and the file `pdf`. */
function issue(invoices: InvoiceService): Handler {
  return async (req, res) => {
    const user = currentUser(req);
    const invoiceText = bodyFields(req.body)['invoice'];
    if (typeof invoiceText !== 'string') {
      throw new AppError('VALIDATION', 'invoice: required (multipart text part holding the invoice JSON)');
    }
    const data = parse(invoiceDataSchema, parseJsonField(invoiceText, 'invoice'));
    const pdf = pdfOf(req, true);
    const keyHeader = req.get('Idempotency-Key');
    const idempotencyKey =
      keyHeader === undefined ? undefined : parse(idempotencyKeySchema, keyHeader, ['Idempotency-Key']);

    const outcome = await invoices.issueInvoice(user, data, pdf, idempotencyKey);
    if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
    res
      .status(201)
      .location(`/api/v1/invoices/${outcome.result.code}/${outcome.result.number}`)
      .json(issueResponseSchema.parse(outcome.result));
  };
}

/** Verify: JSON, or multipart with text fields and an optional `pdf` file. */
function verify(invoices: InvoiceService): Handler {
  return async (req, res) => {
    const user = currentUser(req);
    const fields = bodyFields(req.body);
    if (req.is('multipart/form-data') !== false && typeof fields['data'] === 'string') {
      fields['data'] = parseJsonField(fields['data'], 'data');
    }
    const input = parse(verifyBodySchema, fields);
    const pdf = pdfOf(req, false);
    const outcome = await invoices.verifyInvoice(user, { ...input, pdf });
    res.set('Cache-Control', 'no-store');
    res.json(outcome);
  };
}

function checkCode(invoices: InvoiceService): Handler {
  return async (req, res) => {
    const { code, number } = parse(invoiceParamsSchema, req.params);
    const recovered = await invoices.recoverCheckCode(currentUser(req), code, number);
    res.set('Cache-Control', 'no-store');
    res.json(checkCodeResponseSchema.parse(recovered));
  };
}

function pdf(invoices: InvoiceService): Handler {
  return async (req, res) => {
    const { code, number } = parse(invoiceParamsSchema, req.params);
    const { checkCode } = parse(pdfQuerySchema, req.query);
    const bytes = await invoices.downloadPdf(currentUser(req), code, number, checkCode);
    res
      .status(200)
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${code}-${number}.pdf"`)
      .set('Cache-Control', 'no-store')
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
}

/** Routes of the invoice resource; every one requires authentication. */
export function invoicesRouter(options: { invoices: InvoiceService; authenticate: RequestHandler }): Router {
  const { invoices, authenticate } = options;
  const router = Router();
  router.post('/invoices', authenticate, requireInvoiceIssuer, upload.single('pdf'), issue(invoices));
  router.post('/invoices/verify', authenticate, upload.single('pdf'), verify(invoices));
  router.get('/invoices/:code/:number', authenticate, async (req, res) => {
    const { code, number } = parse(invoiceParamsSchema, req.params);
    res.json(await invoices.readInvoice(currentUser(req), code, number));
  });
  router.get('/invoices/:code/:number/history', authenticate, async (req, res) => {
    const { code, number } = parse(invoiceParamsSchema, req.params);
    res.json(await invoices.history(currentUser(req), code, number));
  });
  router.get('/invoices/:code/:number/check-code', authenticate, requireInvoiceIssuer, checkCode(invoices));
  router.get('/invoices/:code/:number/pdf', authenticate, pdf(invoices));
  return router;
}
