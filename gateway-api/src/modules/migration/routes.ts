import { requireInvoiceIssuer, currentUser } from '../auth/middleware';
import { AppError } from '../../errors';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import {
  addItemsBodySchema,
  addItemsResponseSchema,
  createJobBodySchema,
  jobParamsSchema,
  jobResponseSchema,
  MAX_ITEMS_PER_REQUEST,
  reportResponseSchema,
} from './schemas';
import type { MigrationService, SourceInput } from './service';

const PDF_MAGIC = Buffer.from('%PDF-', 'ascii');

/** The items with their PDFs decoded; a PDF that is not one is refused naming the item. */
function sourceInputs(body: unknown): SourceInput[] {
  const { items } = parse(addItemsBodySchema, body);
  return items.map((item, index) => {
    const pdf = Buffer.from(item.pdf, 'base64');
    if (pdf.length < PDF_MAGIC.length || !pdf.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
      throw new AppError('VALIDATION', `items[${index}].pdf: must be a PDF document (starting with %PDF-)`);
    }
    return { ...item, pdf };
  });
}

const CLERKS = 'Billing clerks of a hospital organisation, for their own organisation';

function jobRoutes(migrations: MigrationService): Route[] {
  const create = route({
    method: 'post',
    path: '/migrations',
    operationId: 'createMigration',
    tag: 'migrations',
    summary: 'Create the migration job of a source of historic invoices, or find it again',
    description: `${CLERKS}. 201 with a new job; 200 with the job this organisation already has for the sourceId.`,
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    body: { json: createJobBodySchema },
    responses: {
      201: { description: 'Created', schema: jobResponseSchema },
      200: { description: 'The existing job of this source', schema: jobResponseSchema },
    },
    errors: [400, 401, 403, 409, 503],
    handle: async ({ req }) => {
      const input = parse(createJobBodySchema, req.body);
      const { job, created } = await migrations.createJob(currentUser(req), input);
      return { status: created ? 201 : 200, body: job, headers: { Location: `/api/v1/migrations/${job.id}` } };
    },
  });
  const progress = route({
    method: 'get',
    path: '/migrations/:id',
    operationId: 'migrationProgress',
    tag: 'migrations',
    summary: 'Progress of a migration job: its items counted by state',
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: jobParamsSchema,
    responses: { 200: { description: 'The job', schema: jobResponseSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await migrations.progress(currentUser(req), params.id) }),
  });
  return [create, progress];
}

function addRoute(migrations: MigrationService): Route {
  return route({
    method: 'post',
    path: '/migrations/:id/items',
    operationId: 'addMigrationItems',
    tag: 'migrations',
    summary: 'Send a chunk of source items (historic invoices with their PDFs)',
    description:
      `Up to ${MAX_ITEMS_PER_REQUEST} items, the whole request under the 1 MB body limit. Each new item's check code ` +
      '(the printed one, or a generated one) is protected with PBKDF2-HMAC-SM3 as at issue and its PDF and data are ' +
      'stored SM4-encrypted in IPFS before the answer; full batches then go on chain in the background. Re-sending ' +
      'an item (same seq, same content) changes nothing; an item repeating the code and number of another is ' +
      'refused as a duplicate. An invalid item refuses the whole request (400 naming it) and changes nothing.',
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: jobParamsSchema,
    body: { json: addItemsBodySchema },
    responses: { 200: { description: 'The state of each item', schema: addItemsResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const inputs = sourceInputs(req.body);
      return { status: 200, body: { results: await migrations.addItems(currentUser(req), params.id, inputs) } };
    },
  });
}

function runRoutes(migrations: MigrationService): Route[] {
  const run = route({
    method: 'post',
    path: '/migrations/:id/run',
    operationId: 'runMigration',
    tag: 'migrations',
    summary: 'Every item was sent: import the rest and complete the job (again after an interruption)',
    description: 'Answers at once (202); follow the progress with GET /migrations/{id} until `done`.',
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: jobParamsSchema,
    responses: { 202: { description: 'Running', schema: jobResponseSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 202, body: await migrations.run(currentUser(req), params.id) }),
  });
  const report = route({
    method: 'get',
    path: '/migrations/:id/report',
    operationId: 'migrationReport',
    tag: 'migrations',
    summary: 'Reconciliation: counts and amounts by type, unit and day, source against chain, every mismatch',
    description: "The chain side is read from the ledger at the time of the request (the organisation's own peer).",
    auth: 'bearer',
    before: [requireInvoiceIssuer],
    params: jobParamsSchema,
    responses: { 200: { description: 'The report', schema: reportResponseSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await migrations.report(currentUser(req), params.id) }),
  });
  return [run, report];
}

/** Routes of the migration resource. */
export function migrationRoutes(migrations: MigrationService): Route[] {
  return [...jobRoutes(migrations), addRoute(migrations), ...runRoutes(migrations)];
}
