import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '@hdt/vocabulary';
import { errorResponseSchema } from '../errors';
import {
  type DocumentedErrorStatus,
  type Json,
  type JsonObject,
  type MultipartPart,
  type ResponseSpec,
  type Route,
  route,
  type RouteDoc,
} from './route';

export const API_PREFIX = '/api/v1';

/** Named schemas under components.schemas; any use of one of them becomes a $ref. */
export type Components = Record<string, z.ZodType>;

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

/** Statuses every operation with a request body may answer. */
const BODY_ERRORS = [413, 415] as const;

const ERROR_DESCRIPTIONS: Record<DocumentedErrorStatus | (typeof BODY_ERRORS)[number] | 429 | 500, string> = {
  400: 'Invalid input; the message names the field (VALIDATION, INVALID_ARGUMENT)',
  401: 'Missing, invalid or expired bearer token (UNAUTHENTICATED)',
  403: 'Role or organisation not allowed (FORBIDDEN)',
  404: 'Not found (INVOICE_NOT_FOUND, NOT_FOUND)',
  409: 'Conflict (INVOICE_EXISTS, CONFLICT)',
  410: 'Gone: past its expiry or withdrawn (SHARE_LINK_EXPIRED, SHARE_LINK_WITHDRAWN)',
  413: 'Request body, or a part or file in it, over its size limit (PAYLOAD_TOO_LARGE)',
  415: 'Content encoding or charset of the body not supported (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Idempotency-Key reused for a different request (IDEMPOTENCY_KEY_REUSED)',
  429: 'Too many requests (RATE_LIMITED)',
  500: 'Internal error (INTERNAL)',
  503: 'Ledger or storage unavailable (LEDGER_UNAVAILABLE, STORAGE_UNAVAILABLE)',
};

/** Turns zod schemas into OpenAPI 3.0 schema objects, named ones as $refs. */
class SchemaWriter {
  private readonly names = new Map<z.ZodType, string>();

  constructor(private readonly components: Components) {
    for (const [name, schema] of Object.entries(components)) this.names.set(schema, name);
  }

  schema(schema: z.ZodType): JsonObject {
    const name = this.names.get(schema);
    if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
    return objectToJson(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }));
  }

  componentSchemas(): JsonObject {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of Object.entries(this.components)) registry.add(schema, { id });
    const generated = z.toJSONSchema(registry, {
      target: 'openapi-3.0',
      io: 'input',
      uri: (id) => `#/components/schemas/${id}`,
    });
    return objectToJson(generated.schemas);
  }
}

const jsonContent = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

function parameters(doc: RouteDoc, writer: SchemaWriter): Json[] {
  const inPath = (where: 'path' | 'query', shape: Record<string, z.ZodType>): Json[] =>
    Object.entries(shape).map(([name, schema]) => ({
      name,
      in: where,
      // A query parameter the schema accepts leaving out is optional; path parameters never are.
      required: where === 'path' || !schema.safeParse(undefined).success,
      ...(schema.description === undefined ? {} : { description: schema.description }),
      schema: writer.schema(schema),
    }));
  const headers: Json[] = (doc.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: h.required,
    description: h.description,
    schema: writer.schema(h.schema),
  }));
  return [...headers, ...inPath('path', doc.params?.shape ?? {}), ...inPath('query', doc.query?.shape ?? {})];
}

function response(spec: ResponseSpec, writer: SchemaWriter): JsonObject {
  const content = spec.schema === undefined ? spec.content : jsonContent(writer.schema(spec.schema));
  return {
    description: spec.description,
    ...(spec.headers === undefined ? {} : { headers: spec.headers }),
    ...(content === undefined ? {} : { content }),
  };
}

function responses(doc: RouteDoc, writer: SchemaWriter): JsonObject {
  const out: JsonObject = {};
  for (const [status, spec] of Object.entries(doc.responses)) out[status] = response(spec, writer);
  const error = writer.schema(errorResponseSchema);
  const bodyErrors = doc.body === undefined ? [] : BODY_ERRORS;
  for (const status of [...doc.errors, ...bodyErrors, 429, 500] as const) {
    out[String(status)] = { description: ERROR_DESCRIPTIONS[status], content: jsonContent(error) };
  }
  return out;
}

/** A described schema: a $ref takes no sibling keywords in OpenAPI 3.0, so it is wrapped in allOf. */
function described(schema: JsonObject, description: string | undefined): JsonObject {
  if (description === undefined) return schema;
  return '$ref' in schema ? { allOf: [schema], description } : { ...schema, description };
}

function partSchema(part: MultipartPart, writer: SchemaWriter): JsonObject {
  switch (part.kind) {
    case 'json':
      return described(writer.schema(part.schema), part.description);
    case 'text':
      return writer.schema(part.schema);
    case 'file':
      return { type: 'string', format: 'binary', description: part.description };
  }
}

/** Content type of a part in the `encoding` object: JSON parts are application/json, files their type. */
function partContentType(part: MultipartPart): string | undefined {
  if (part.kind === 'json') return 'application/json';
  return part.kind === 'file' ? part.contentType : undefined;
}

/** The `multipart/form-data` media type: an object of the parts, and each part's content type. */
function multipartContent(parts: Record<string, MultipartPart>, writer: SchemaWriter): JsonObject {
  const properties: JsonObject = {};
  const encoding: JsonObject = {};
  const required: string[] = [];
  for (const [name, part] of Object.entries(parts)) {
    properties[name] = partSchema(part, writer);
    const contentType = partContentType(part);
    if (contentType !== undefined) encoding[name] = { contentType };
    if (part.required) required.push(name);
  }
  return { schema: { type: 'object', required, properties }, encoding };
}

function requestBody(doc: RouteDoc, writer: SchemaWriter): JsonObject | undefined {
  if (doc.body === undefined) return undefined;
  const content: JsonObject = {};
  if (doc.body.json !== undefined) content['application/json'] = { schema: writer.schema(doc.body.json) };
  if (doc.body.multipart !== undefined) {
    content['multipart/form-data'] = multipartContent(doc.body.multipart, writer);
  }
  return { required: true, content };
}

function operation(doc: RouteDoc, writer: SchemaWriter): JsonObject {
  const params = parameters(doc, writer);
  const body = requestBody(doc, writer);
  return {
    operationId: doc.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    security: doc.auth === 'bearer' ? [{ bearerAuth: [] }] : [],
    ...(params.length === 0 ? {} : { parameters: params }),
    ...(body === undefined ? {} : { requestBody: body }),
    responses: responses(doc, writer),
  };
}

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

const TAGS: Json[] = [
  { name: 'system', description: 'Health and documentation' },
  { name: 'auth', description: 'Login' },
  { name: 'invoices', description: 'Medical e-invoices (医疗收费电子票据)' },
  {
    name: 'migrations',
    description: "Bulk import of a hospital's historic invoices with their PDFs, and its reconciliation report",
  },
  {
    name: 'consent',
    description:
      "Residents' SM2 keys and the grants they sign (授权), submitted for them by their organisation; " +
      'the grants naming a doctor',
  },
  { name: 'records', description: 'Health-record index (健康档案索引): batches under an SM3 Merkle root, proofs' },
  {
    name: 'requests',
    description:
      "Doctors' access requests (授权申请) answered by the resident with a signed grant or a refusal; referrals closed",
  },
  { name: 'notifications', description: 'Notifications (通知) to residents and users, read and unread' },
  {
    name: 'access',
    description: 'Record content off chain, reads decided on chain, the anchored access log (存证与审计), break-glass',
  },
  {
    name: 'share-links',
    description: "A resident's encrypted, expiring links to one record (分享链接); every open is a logged access",
  },
  {
    name: 'records',
    description:
      'Health-record index (健康档案索引): batches under an SM3 Merkle root, proofs; data-quality rules, ' +
      'error store and daily counts',
  },
  {
    name: 'empi',
    description: "Master patient index (EMPI): one resident's records across hospitals; merges and splits audited",
  },
];

/** The OpenAPI 3.0 document of the given routes. */
export function buildOpenApiDocument(routes: readonly RouteDoc[], components: Components): JsonObject {
  const writer = new SchemaWriter({ Error: errorResponseSchema, ...components });
  const paths: { [path: string]: JsonObject } = {};
  for (const doc of routes) {
    const key = `${API_PREFIX}${toOpenApiPath(doc.path)}`;
    paths[key] = { ...paths[key], [doc.method]: operation(doc, writer) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Health data trust platform API',
      version: '0.1.0',
      description:
        'Medical e-invoices on a Hyperledger Fabric consortium. Errors answer {code, message}. ' +
        'A method a path does not declare answers 405 METHOD_NOT_ALLOWED with an Allow header. ' +
        'Codes and statuses: ' +
        `${codesAndStatuses()}.`,
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: writer.componentSchemas(),
    },
  };
}

/** GET /openapi.json (public): the document of every route, this one included. */
export function openapiRoute(document: () => JsonObject): Route {
  return route({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'system',
    summary: 'This document',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.0 document', schema: z.record(z.string(), z.unknown()) } },
    errors: [],
    handle: () => Promise.resolve({ status: 200, body: document() }),
  });
}
