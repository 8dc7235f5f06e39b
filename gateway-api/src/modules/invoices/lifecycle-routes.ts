/** Routes of the invoice lifecycle: locks, reimbursement, unlock, void, write-off. */
import { CLAIM_ID, LOCK_TTL_SECONDS, REASON_MAX } from '@hdt/vocabulary';
import { z } from 'zod';
import { parse } from '../../http/parse';
import { type Reply, type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import { answerHeaders, IDEMPOTENCY_HEADER, idempotencyKeyOf } from './idempotency-header';
import type { Idempotent } from './idempotency';
import type { LifecycleService } from './lifecycle-service';
import { invoiceParamsSchema, text } from './schemas';
import { lifecycleResultSchema, type LifecycleResult } from './view';

const fen = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('Amount in fen (1 CNY = 100 fen)');
const claimId = z.string().regex(CLAIM_ID).describe("The payer's claim id (1..64 letters, digits, . _ : -)");
const reason = text(REASON_MAX).describe('Why (recorded on chain)');

export const lockBodySchema = z.strictObject({
  claimId,
  amount: fen,
  ttlSeconds: z
    .number()
    .int()
    .min(LOCK_TTL_SECONDS.min)
    .max(LOCK_TTL_SECONDS.max)
    .describe('The lock expires this many seconds after the transaction time'),
});
export const reimburseBodySchema = z.strictObject({ amount: fen });
export const reasonBodySchema = z.strictObject({ reason });
const claimParamsSchema = invoiceParamsSchema.extend({ claimId });

export const lifecycleResponseSchema = lifecycleResultSchema;

const ERRORS: (400 | 401 | 403 | 404 | 409 | 422 | 503)[] = [400, 401, 403, 404, 409, 422, 503];
const OK = {
  200: {
    description: 'The invoice as committed, and the transaction id (or replayed: Idempotent-Replayed: true)',
    schema: lifecycleResponseSchema,
  },
};

/** The committed (or replayed) answer of an operation. */
function committed({ result, replayed }: Idempotent<LifecycleResult>): Reply {
  return { status: 200, body: result, headers: answerHeaders(replayed) };
}

function lockRoute(lifecycle: LifecycleService): Route {
  return route({
    method: 'post',
    path: '/invoices/:code/:number/locks',
    operationId: 'lockInvoice',
    tag: 'invoices',
    summary: 'Lock an amount for a claim (payers); 409 AMOUNT_UNAVAILABLE when another payer holds or paid it',
    auth: 'bearer',
    headers: [IDEMPOTENCY_HEADER],
    params: invoiceParamsSchema,
    body: { json: lockBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const body = parse(lockBodySchema, req.body as unknown);
      return committed(await lifecycle.lock(currentUser(req), params, body, key));
    },
  });
}

function claimRoutes(lifecycle: LifecycleService): Route[] {
  const reimburse = route({
    method: 'post',
    path: '/invoices/:code/:number/locks/:claimId/reimburse',
    operationId: 'reimburseInvoice',
    tag: 'invoices',
    summary: 'Pay out up to the locked amount (the lock holder only); the lock is consumed',
    auth: 'bearer',
    headers: [IDEMPOTENCY_HEADER],
    params: claimParamsSchema,
    body: { json: reimburseBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const { amount } = parse(reimburseBodySchema, req.body as unknown);
      return committed(await lifecycle.reimburse(currentUser(req), params, amount, key));
    },
  });
  const unlock = route({
    method: 'post',
    path: '/invoices/:code/:number/locks/:claimId/unlock',
    operationId: 'unlockInvoice',
    tag: 'invoices',
    summary: 'Release a lock (the claim was refused; the lock holder only)',
    auth: 'bearer',
    headers: [IDEMPOTENCY_HEADER],
    params: claimParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      return committed(await lifecycle.unlock(currentUser(req), params, why, key));
    },
  });
  return [reimburse, unlock];
}

function closeRoutes(lifecycle: LifecycleService): Route[] {
  const voidRoute = route({
    method: 'post',
    path: '/invoices/:code/:number/void',
    operationId: 'voidInvoice',
    tag: 'invoices',
    summary: 'Void an unclaimed invoice (billing clerks of the issuer); it stays on the ledger as VOIDED',
    auth: 'bearer',
    headers: [IDEMPOTENCY_HEADER],
    params: invoiceParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      return committed(await lifecycle.void(currentUser(req), params, why, key));
    },
  });
  const writeOff = route({
    method: 'post',
    path: '/invoices/:code/:number/write-off',
    operationId: 'writeOffInvoice',
    tag: 'invoices',
    summary: 'Close the invoice for good (a payer that reimbursed it); nothing changes it afterwards',
    auth: 'bearer',
    headers: [IDEMPOTENCY_HEADER],
    params: invoiceParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const key = idempotencyKeyOf(req);
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      return committed(await lifecycle.writeOff(currentUser(req), params, why, key));
    },
  });
  return [voidRoute, writeOff];
}

export function lifecycleRoutes(lifecycle: LifecycleService): Route[] {
  return [lockRoute(lifecycle), ...claimRoutes(lifecycle), ...closeRoutes(lifecycle)];
}
