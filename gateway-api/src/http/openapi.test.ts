import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import request from 'supertest';
import { z } from 'zod';
import { harness } from '../../test/harness';
import { API_PREFIX, buildOpenApiDocument } from './openapi';
import { reconciliationRoutes } from '../modules/invoices/reconciliation-routes';
import type { InvoiceReconciler } from '../modules/invoices/reconciliation';
import { invoiceListRoutes, statisticsRoutes } from '../projection/routes';
import type { InvoiceListService } from '../projection/invoice-list';
import type { InvoiceStatisticsService } from '../projection/statistics';

/** Router layers as Express 5 (router 2.x) builds them; checked at run time, not assumed. */
const routeSchema = z.object({ path: z.string(), methods: z.record(z.string(), z.boolean()) });
const layerSchema = z.object({
  rawPath: z.string().optional(),
  route: routeSchema.optional(),
  handle: z.unknown(),
});

/** The `stack` of an Express router (a function object) or app router, if `value` is one. */
function stackOf(value: unknown): unknown[] | undefined {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) return undefined;
  const stack: unknown = Reflect.get(value, 'stack');
  return Array.isArray(stack) ? stack : undefined;
}

function registeredRoutes(stack: unknown[], prefix = ''): string[] {
  const found: string[] = [];
  for (const item of stack) {
    const layer = layerSchema.parse(item);
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      }
      continue;
    }
    const nested = stackOf(layer.handle);
    if (nested) found.push(...registeredRoutes(nested, `${prefix}${layer.rawPath ?? ''}`));
  }
  return found;
}

const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

const multipartOperationSchema = z.object({
  requestBody: z.object({
    content: z.object({
      'multipart/form-data': z.object({
        schema: z.object({
          type: z.literal('object'),
          required: z.array(z.string()),
          properties: z.record(z.string(), z.record(z.string(), z.unknown())),
        }),
        encoding: z.record(z.string(), z.object({ contentType: z.string() })),
      }),
    }),
  }),
});

/** The component a schema object refers to: `{ $ref }`, or `{ allOf: [{ $ref }], description }`. */
function refOf(schema: unknown): string | undefined {
  const ref = z.object({ $ref: z.string() });
  const parsed = z.union([ref, z.object({ allOf: z.tuple([ref]) })]).safeParse(schema);
  if (!parsed.success) return undefined;
  return '$ref' in parsed.data ? parsed.data.$ref : parsed.data.allOf[0].$ref;
}

/** The document the app serves (built from the same route declarations that registered its routes). */
async function servedDocument(): Promise<Record<string, unknown>> {
  const { app } = await harness();
  const res = await request(app).get(`${API_PREFIX}/openapi.json`).expect(200);
  return z.record(z.string(), z.unknown()).parse(res.body);
}

describe('OpenAPI document', () => {
  it('documents exactly the routes the app registers', async () => {
    const { app } = await harness();
    const registered = registeredRoutes(stackOf(app.router) ?? []).map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
    const { paths } = documentSchema.parse(await servedDocument());
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(registered.length).toBeGreaterThanOrEqual(9);
    expect([...registered].sort()).toEqual([...documented].sort());
  });

  it('is a well-formed OpenAPI 3.0 document whose $refs all resolve', async () => {
    const doc = await servedDocument();
    const text = JSON.stringify(doc);
    const shape = z
      .object({
        openapi: z.string().startsWith('3.0'),
        paths: z.record(
          z.string(),
          z.record(z.string(), z.object({ operationId: z.string(), responses: z.record(z.string(), z.unknown()) })),
        ),
        components: z.object({
          schemas: z.record(z.string(), z.unknown()),
          securitySchemes: z.object({ bearerAuth: z.unknown() }),
        }),
      })
      .parse(doc);
    for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(Object.keys(shape.components.schemas)).toContain(match[1]);
    }
    expect(text).not.toContain('"$id"');
    const ids = Object.values(shape.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(shape.components.schemas['InvoiceData']).toBeDefined();
  });

  it('passes an independent OpenAPI 3 validator (schema and references)', async () => {
    const doc = await servedDocument();
    // The cast only hands the document to the validator, which is what checks its shape.
    const candidate = structuredClone(doc) as unknown as OpenAPI.Document;
    await expect(SwaggerParser.validate(candidate)).resolves.toBeDefined();
  });

  it('is served at /api/v1/openapi.json', async () => {
    const { app } = await harness();
    const res = await request(app).get(`${API_PREFIX}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ openapi: '3.0.3' });
  });

  it('describes the multipart invoice and data parts as JSON, with their schemas', async () => {
    const doc = await servedDocument();
    const paths = documentSchema.parse(doc).paths;
    const multipartOf = (path: string) =>
      multipartOperationSchema.parse(paths[`${API_PREFIX}${path}`]?.['post']).requestBody.content[
        'multipart/form-data'
      ];

    const issue = multipartOf('/invoices');
    expect(refOf(issue.schema.properties['invoice'])).toBe('#/components/schemas/InvoiceData');
    expect(issue.encoding['invoice']).toEqual({ contentType: 'application/json' });
    expect(issue.schema.properties['pdf']).toMatchObject({ type: 'string', format: 'binary' });
    expect(issue.encoding['pdf']).toEqual({ contentType: 'application/pdf' });
    expect(issue.schema.required.sort()).toEqual(['invoice', 'pdf']);

    const verify = multipartOf('/invoices/verify');
    expect(verify.schema.properties['data']).toMatchObject({ type: 'object' });
    expect(verify.encoding['data']).toEqual({ contentType: 'application/json' });
    expect(verify.schema.properties['code']).toMatchObject({ type: 'string', pattern: '^\\d{8}$' });
    expect(verify.schema.required.sort()).toEqual(['checkCode', 'code', 'number']);
  });
});

describe('query parameters', () => {
  it('are required only when the schema needs them', () => {
    const [reconcile] = reconciliationRoutes({} as InvoiceReconciler);
    const [period] = statisticsRoutes({} as InvoiceStatisticsService);
    const [list] = invoiceListRoutes({} as InvoiceListService);
    if (!reconcile || !period || !list) throw new Error('no routes');
    const doc = buildOpenApiDocument([reconcile.doc, period.doc, list.doc], {});
    const required = (path: string) =>
      z
        .object({ get: z.object({ parameters: z.array(z.object({ name: z.string(), required: z.boolean() })) }) })
        .parse(z.record(z.string(), z.unknown()).parse(doc['paths'])[path])
        .get.parameters.map((p) => `${p.name}:${String(p.required)}`);
    expect(required('/api/v1/reconciliation/invoices')).toEqual(['issuer:false']);
    expect(required('/api/v1/statistics/invoices')).toEqual(['from:true', 'to:true']);
    expect(required('/api/v1/invoices')).toEqual([
      'issuer:false',
      'status:false',
      'from:false',
      'to:false',
      'limit:false',
      'after:false',
    ]);
  });
});
