/** Routes of the invoice lifecycle: locks, reimbursement, unlock, void, write-off. */
import { CLAIM_ID, LOCK_TTL_SECONDS, REASON_MAX } from '@hdt/vocabulary';
import { z } from 'zod';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import type { LifecycleService } from './lifecycle-service';
import { invoiceParamsSchema, text } from './schemas';
import { invoiceViewSchema } from './view';

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

export const lifecycleResponseSchema = z.object({ invoice: invoiceViewSchema, txId: z.string() });

const ERRORS: (400 | 401 | 403 | 404 | 409 | 503)[] = [400, 401, 403, 404, 409, 503];
const OK = {
  200: { description: 'The invoice as committed, and the transaction id', schema: lifecycleResponseSchema },
};

function lockRoute(lifecycle: LifecycleService): Route {
  return route({
    method: 'post',
    path: '/invoices/:code/:number/locks',
    operationId: 'lockInvoice',
    tag: 'invoices',
    summary: 'Lock an amount for a claim (payers); 409 AMOUNT_UNAVAILABLE when another payer holds or paid it',
    auth: 'bearer',
    params: invoiceParamsSchema,
    body: { json: lockBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => ({
      status: 200,
      body: await lifecycle.lock(currentUser(req), params, parse(lockBodySchema, req.body as unknown)),
    }),
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
    params: claimParamsSchema,
    body: { json: reimburseBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const { amount } = parse(reimburseBodySchema, req.body as unknown);
      const id = { code: params.code, number: params.number };
      return { status: 200, body: await lifecycle.reimburse(currentUser(req), id, params.claimId, amount) };
    },
  });
  const unlock = route({
    method: 'post',
    path: '/invoices/:code/:number/locks/:claimId/unlock',
    operationId: 'unlockInvoice',
    tag: 'invoices',
    summary: 'Release a lock (the claim was refused; the lock holder only)',
    auth: 'bearer',
    params: claimParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      const id = { code: params.code, number: params.number };
      return { status: 200, body: await lifecycle.unlock(currentUser(req), id, params.claimId, why) };
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
    params: invoiceParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      return { status: 200, body: await lifecycle.void(currentUser(req), params, why) };
    },
  });
  const writeOff = route({
    method: 'post',
    path: '/invoices/:code/:number/write-off',
    operationId: 'writeOffInvoice',
    tag: 'invoices',
    summary: 'Close the invoice for good (a payer that reimbursed it); nothing changes it afterwards',
    auth: 'bearer',
    params: invoiceParamsSchema,
    body: { json: reasonBodySchema },
    responses: OK,
    errors: ERRORS,
    handle: async ({ req, params }) => {
      const { reason: why } = parse(reasonBodySchema, req.body as unknown);
      return { status: 200, body: await lifecycle.writeOff(currentUser(req), params, why) };
    },
  });
  return [voidRoute, writeOff];
}

export function lifecycleRoutes(lifecycle: LifecycleService): Route[] {
  return [lockRoute(lifecycle), ...claimRoutes(lifecycle), ...closeRoutes(lifecycle)];
}
