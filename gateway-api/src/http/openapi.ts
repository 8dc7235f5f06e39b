import { Router } from 'express';
import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '@hdt/vocabulary';
import { errorResponseSchema } from '../errors';
import { loginBodySchema, loginResponseSchema, userSchema } from '../modules/auth/schemas';
import { healthResponseSchema } from '../modules/health/schemas';
import {
  checkCodeResponseSchema,
  historyResponseSchema,
  idempotencyKeySchema,
  invoiceDataSchema,
  invoiceItemSchema,
  invoiceResponseSchema,
  issueResponseSchema,
  payerSchema,
  paymentInputSchema,
  verifyBodySchema,
  verifyResponseSchema,
  visitSchema,
} from '../modules/invoices/schemas';

/** A JSON value (the OpenAPI document is plain JSON). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const API_PREFIX = '/api/v1';

/** Named schemas under components.schemas; nested uses become $refs. */
const COMPONENTS: Record<string, z.ZodType> = {
  Error: errorResponseSchema,
  LoginRequest: loginBodySchema,
  LoginResponse: loginResponseSchema,
  User: userSchema,
  Payment: paymentInputSchema,
  InvoiceItem: invoiceItemSchema,
  Payer: payerSchema,
  Visit: visitSchema,
  InvoiceData: invoiceDataSchema,
  IssueResponse: issueResponseSchema,
  CheckCode: checkCodeResponseSchema,
  Invoice: invoiceResponseSchema,
  History: historyResponseSchema,
  VerifyRequest: verifyBodySchema,
  VerifyResponse: verifyResponseSchema,
  Health: healthResponseSchema,
};

function toJson(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return objectToJson(value);
  return null;
}

function objectToJson(value: object): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    // OpenAPI 3.0 schema objects have no $id.
    if (key === '$id' || item === undefined) continue;
    out[key] = toJson(item);
  }
  return out;
}

function componentSchemas(): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const json = toJson(generated.schemas);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('schema generation failed');
  return json;
}

const ref = (name: keyof typeof COMPONENTS): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

function errorResponse(description: string): JsonObject {
  return { description, content: jsonContent(ref('Error')) };
}

const ERRORS = {
  400: errorResponse('Invalid input; the message names the field (VALIDATION, INVALID_ARGUMENT)'),
  401: errorResponse('Missing, invalid or expired bearer token (UNAUTHENTICATED)'),
  403: errorResponse('Role or organisation not allowed (FORBIDDEN)'),
  404: errorResponse('Not found (INVOICE_NOT_FOUND, NOT_FOUND)'),
  409: errorResponse('Conflict (INVOICE_EXISTS, CONFLICT)'),
  422: errorResponse('Idempotency-Key reused for a different request (IDEMPOTENCY_KEY_REUSED)'),
  429: errorResponse('Too many requests (RATE_LIMITED)'),
  500: errorResponse('Internal error (INTERNAL)'),
  503: errorResponse('Ledger or storage unavailable (LEDGER_UNAVAILABLE, STORAGE_UNAVAILABLE)'),
} as const;

type ErrorStatus = keyof typeof ERRORS;

function errors(...statuses: ErrorStatus[]): JsonObject {
  const out: JsonObject = {};
  const all: ErrorStatus[] = [...statuses, 429, 500];
  for (const status of all) out[String(status)] = ERRORS[status];
  return out;
}

const codeParam: JsonObject = {
  name: 'code',
  in: 'path',
  required: true,
  description: 'Invoice code (票据代码), 8 digits',
  schema: { type: 'string', pattern: '^\\d{8}$' },
};
const numberParam: JsonObject = {
  name: 'number',
  in: 'path',
  required: true,
  description: 'Invoice number (票据号码), 10 digits',
  schema: { type: 'string', pattern: '^\\d{10}$' },
};

/** One documented operation. `path` uses Express syntax relative to API_PREFIX. */
export interface OperationSpec {
  method: 'get' | 'post';
  path: string;
  operation: JsonObject;
}

const bearer: Json = [{ bearerAuth: [] }];
const open: Json = [];

/** Every route of the API. The route test checks this against the app's router. */
export const OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/health',
    operation: {
      operationId: 'getHealth',
      tags: ['system'],
      summary: 'State of Fabric, the database and IPFS',
      security: open,
      responses: {
        '200': { description: 'All dependencies up', content: jsonContent(ref('Health')) },
        '503': { description: 'At least one dependency down', content: jsonContent(ref('Health')) },
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operation: {
      operationId: 'getOpenApi',
      tags: ['system'],
      summary: 'This document',
      security: open,
      responses: { '200': { description: 'OpenAPI 3.0 document', content: jsonContent({ type: 'object' }) } },
    },
  },
  {
    method: 'post',
    path: '/auth/login',
    operation: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Exchange username and password for a bearer token (8 hours)',
      security: open,
      requestBody: { required: true, content: jsonContent(ref('LoginRequest')) },
      responses: {
        '200': { description: 'Token issued', content: jsonContent(ref('LoginResponse')) },
        ...errors(400, 401),
      },
    },
  },
  {
    method: 'get',
    path: '/auth/me',
    operation: {
      operationId: 'currentUser',
      tags: ['auth'],
      summary: 'The authenticated user',
      security: bearer,
      responses: { '200': { description: 'User', content: jsonContent(ref('User')) }, ...errors(401) },
    },
  },
  {
    method: 'post',
    path: '/invoices',
    operation: {
      operationId: 'issueInvoice',
      tags: ['invoices'],
      summary: 'Issue an invoice (billing clerks of a hospital organisation)',
      description:
        'Stores the PDF and the structured data SM4-encrypted off chain and anchors their SM3 digests, ' +
        'the check-code hash and the payer pseudonym on chain. The check code is returned once. ' +
        'The data digest is SM3 of the canonical JSON of the `invoice` part plus `checkCode`.',
      security: bearer,
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Repeating a request with the same key returns the first response instead of issuing again',
          schema: toJson(z.toJSONSchema(idempotencyKeySchema, { target: 'openapi-3.0' })),
        },
      ],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['invoice', 'pdf'],
              properties: {
                invoice: {
                  type: 'string',
                  description: 'JSON text of InvoiceData (#/components/schemas/InvoiceData)',
                },
                pdf: { type: 'string', format: 'binary', description: 'The invoice PDF, at most 10 MB' },
              },
            },
            encoding: { invoice: { contentType: 'application/json' }, pdf: { contentType: 'application/pdf' } },
          },
        },
      },
      responses: {
        '201': {
          description: 'Issued (or replayed: header Idempotent-Replayed: true)',
          headers: { Location: { schema: { type: 'string' } } },
          content: jsonContent(ref('IssueResponse')),
        },
        ...errors(400, 401, 403, 409, 422, 503),
      },
    },
  },
  {
    method: 'post',
    path: '/invoices/verify',
    operation: {
      operationId: 'verifyInvoice',
      tags: ['invoices'],
      summary: 'Verify an invoice (查验): authentic, tampered or unknown',
      security: bearer,
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: ref('VerifyRequest') },
          'multipart/form-data': {
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
          },
        },
      },
      responses: {
        '200': { description: 'Verdict', content: jsonContent(ref('VerifyResponse')) },
        ...errors(400, 401, 503),
      },
    },
  },
  {
    method: 'get',
    path: '/invoices/:code/:number',
    operation: {
      operationId: 'readInvoice',
      tags: ['invoices'],
      summary: 'On-chain summary of an invoice',
      security: bearer,
      parameters: [codeParam, numberParam],
      responses: {
        '200': { description: 'Invoice summary', content: jsonContent(ref('Invoice')) },
        ...errors(400, 401, 404, 503),
      },
    },
  },
  {
    method: 'get',
    path: '/invoices/:code/:number/history',
    operation: {
      operationId: 'invoiceHistory',
      tags: ['invoices'],
      summary: 'Every on-chain change of an invoice, in ledger order',
      security: bearer,
      parameters: [codeParam, numberParam],
      responses: {
        '200': { description: 'History', content: jsonContent(ref('History')) },
        ...errors(400, 401, 404, 503),
      },
    },
  },
  {
    method: 'get',
    path: '/invoices/:code/:number/check-code',
    operation: {
      operationId: 'recoverCheckCode',
      tags: ['invoices'],
      summary: "The invoice's check code, for a billing clerk of the issuing organisation (reprinting)",
      security: bearer,
      parameters: [codeParam, numberParam],
      responses: {
        '200': { description: 'Check code', content: jsonContent(ref('CheckCode')) },
        ...errors(400, 401, 403, 404, 503),
      },
    },
  },
  {
    method: 'get',
    path: '/invoices/:code/:number/pdf',
    operation: {
      operationId: 'downloadInvoicePdf',
      tags: ['invoices'],
      summary: 'The original PDF, for whoever knows the check code',
      security: bearer,
      parameters: [
        codeParam,
        numberParam,
        {
          name: 'checkCode',
          in: 'query',
          required: true,
          description: 'Check code (校验码) printed on the invoice',
          schema: { type: 'string', pattern: '^[0-9A-Z]{6}$' },
        },
      ],
      responses: {
        '200': {
          description: 'PDF bytes; their SM3 equals the pdfDigest on chain',
          content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
        },
        ...errors(400, 401, 404, 503),
      },
    },
  },
];

/** `/invoices/:code/:number` -> `/invoices/{code}/{number}` */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `INVALID_ARGUMENT 400, VALIDATION 400, ...` in order of status. */
function codesAndStatuses(): string {
  return [...ERROR_CODES]
    .sort((a, b) => ERROR_CATALOGUE[a].status - ERROR_CATALOGUE[b].status)
    .map((code) => `${code} ${ERROR_CATALOGUE[code].status}`)
    .join(', ');
}

export function buildOpenApiDocument(): JsonObject {
  const paths: JsonObject = {};
  for (const op of OPERATIONS) {
    const key = `${API_PREFIX}${toOpenApiPath(op.path)}`;
    const existing = paths[key];
    const item: JsonObject =
      existing !== undefined && existing !== null && typeof existing === 'object' && !Array.isArray(existing)
        ? existing
        : {};
    item[op.method] = op.operation;
    paths[key] = item;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Health data trust platform API',
      version: '0.1.0',
      description:
        'Medical e-invoices on a Hyperledger Fabric consortium. Errors answer {code, message}; ' +
        `codes and statuses: ${codesAndStatuses()}.`,
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'system', description: 'Health and documentation' },
      { name: 'auth', description: 'Login' },
      { name: 'invoices', description: 'Medical e-invoices (医疗收费电子票据)' },
    ],
    security: bearer,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas(),
    },
  };
}

/** GET /openapi.json (public). */
export function openapiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
