import { currentUser } from '../auth/middleware';
import { AppError } from '../../errors';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import type { InvoiceReconciler } from './reconciliation';
import { mayReconcile, type ReconciliationJob, type ReconciliationJobs } from './reconciliation-jobs';
import {
  jobParamsSchema,
  reconciliationJobSchema,
  reconciliationQuerySchema,
  reconciliationResponseSchema,
  startJobBodySchema,
  unpinResponseSchema,
} from './reconciliation-schemas';

export { reconciliationQuerySchema, reconciliationResponseSchema } from './reconciliation-schemas';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** GET /reconciliation/invoices: the report at once (small ledgers; the jobs below for large ones). */
function syncRoute(reconciler: InvoiceReconciler): Route {
  return route({
    method: 'get',
    path: '/reconciliation/invoices',
    operationId: 'reconcileInvoices',
    tag: 'invoices',
    summary: "Lists every divergence between the ledger and this platform's off-chain invoice records",
    description:
      'Compares each off-chain record with the invoice on chain (read now), each invoice the chaincode events ' +
      'reported with the records, and lists issues still open after their lease. Supervisors and admins choose ' +
      "the issuer; a billing clerk gets their own organisation's. Answers when done, which takes about 2.5 s per " +
      'thousand invoices: for a whole hospital start a job instead (POST /reconciliation/invoices/jobs).',
    auth: 'bearer',
    query: reconciliationQuerySchema,
    responses: { 200: { description: 'Reconciliation report', schema: reconciliationResponseSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, query }) => {
      const user = currentUser(req);
      const issuer = query.issuer ?? user.mspId;
      if (!mayReconcile(user, issuer)) {
        throw new AppError('FORBIDDEN', 'reconciliation is for supervisors, admins and the issuing clerks');
      }
      return { status: 200, body: await reconciler.run(user.mspId, issuer), headers: NO_STORE };
    },
  });
}

/** The job as the API shows it. */
function jobView(job: ReconciliationJob) {
  return {
    id: job.id,
    issuerMsp: job.issuerMsp,
    requestedBy: job.requestedBy,
    state: job.state,
    progress: { checked: job.checked, total: job.total },
    ...(job.report === undefined ? {} : { report: job.report }),
    ...(job.orphans === undefined ? {} : { orphans: job.orphans }),
    ...(job.unpinned === undefined ? {} : { unpinned: job.unpinned }),
    lastError: job.lastError,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

const jobLocation = (id: string) => `/api/v1/reconciliation/invoices/jobs/${id}`;

function startRoute(jobs: ReconciliationJobs): Route {
  return route({
    method: 'post',
    path: '/reconciliation/invoices/jobs',
    operationId: 'startReconciliation',
    tag: 'invoices',
    summary: 'Starts reconciling the ledger with the off-chain records of an issuer, in the background',
    description:
      'Answers 202 at once with the job (Location: its resource); while a job for the same issuer runs, that ' +
      'job is answered. The finished job holds the report of GET /reconciliation/invoices and the ciphertext ' +
      'pinned in IPFS that nothing in the database refers to (older than the grace period). Jobs are kept in ' +
      'the database: a finished report survives a restart, and a job interrupted by one runs again at the next start.',
    auth: 'bearer',
    body: { json: startJobBodySchema },
    responses: {
      202: {
        description: 'Running (or the job already running for this issuer)',
        headers: { Location: { schema: { type: 'string' } } },
        schema: reconciliationJobSchema,
      },
    },
    errors: [400, 401, 403, 503],
    handle: async ({ req }) => {
      const user = currentUser(req);
      const { issuer } = parse(startJobBodySchema, req.body as unknown);
      const { job } = await jobs.start(user, issuer ?? user.mspId);
      return { status: 202, body: jobView(job), headers: { ...NO_STORE, Location: jobLocation(job.id) } };
    },
  });
}

function jobRoutes(jobs: ReconciliationJobs): Route[] {
  const read = route({
    method: 'get',
    path: '/reconciliation/invoices/jobs/:id',
    operationId: 'readReconciliation',
    tag: 'invoices',
    summary: 'A reconciliation job: its state, progress (checked of total) and, when completed, its report',
    auth: 'bearer',
    params: jobParamsSchema,
    responses: { 200: { description: 'The job', schema: reconciliationJobSchema } },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: jobView(await jobs.get(currentUser(req), params.id)),
      headers: NO_STORE,
    }),
  });
  const unpin = route({
    method: 'post',
    path: '/reconciliation/invoices/jobs/:id/unpin-orphans',
    operationId: 'unpinOrphans',
    tag: 'invoices',
    summary: 'Unpins the orphaned ciphertext a completed job listed (supervisors and admins)',
    description:
      'Each CID is checked again first: one pinned no longer, or referenced by the database meanwhile, is kept. ' +
      '409 when the job has not completed.',
    auth: 'bearer',
    params: jobParamsSchema,
    responses: { 200: { description: 'What was unpinned and what was kept', schema: unpinResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await jobs.unpinOrphans(currentUser(req), params.id),
      headers: NO_STORE,
    }),
  });
  return [read, unpin];
}

/** The reconciliation routes: the report at once, and as a job (with the orphaned ciphertext). */
export function reconciliationRoutes(reconciler: InvoiceReconciler, jobs?: ReconciliationJobs): Route[] {
  return [syncRoute(reconciler), ...(jobs === undefined ? [] : [startRoute(jobs), ...jobRoutes(jobs)])];
}
