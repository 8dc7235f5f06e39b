import { MSP_IDS } from '@hdt/vocabulary';
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import { AppError } from '../../errors';
import { type Route, route } from '../../http/route';
import { DIVERGENCE_KINDS, type DivergenceKind, type InvoiceReconciler } from './reconciliation';

const kinds = Object.keys(DIVERGENCE_KINDS) as [DivergenceKind, ...DivergenceKind[]];

export const reconciliationQuerySchema = z.object({
  issuer: z
    .enum(MSP_IDS as [string, ...string[]])
    .optional()
    .describe("The issuing organisation (MSP id); a billing clerk's own by default"),
});

export const reconciliationResponseSchema = z.object({
  issuerMsp: z.string(),
  checkedAt: z.string(),
  counts: z.object({
    records: z.number().int().min(0),
    ledgerInvoices: z.number().int().min(0),
    openIssuances: z.number().int().min(0),
  }),
  divergences: z.array(
    z.object({
      kind: z.enum(kinds).describe(
        Object.entries(DIVERGENCE_KINDS)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
      ),
      invoice: z.string().describe('code/number'),
      detail: z.string(),
    }),
  ),
  truncated: z.boolean().describe('More divergences exist than the 1,000 listed'),
});

const OVERSEERS = new Set(['supervisor', 'admin']);

/** GET /reconciliation/invoices: every divergence between the ledger and the off-chain copies. */
export function reconciliationRoutes(reconciler: InvoiceReconciler): Route[] {
  return [
    route({
      method: 'get',
      path: '/reconciliation/invoices',
      operationId: 'reconcileInvoices',
      tag: 'invoices',
      summary: "Lists every divergence between the ledger and this platform's off-chain invoice records",
      description:
        'Compares each off-chain record with the invoice on chain (read now), each invoice the chaincode events ' +
        'reported with the records, and lists issues still open after their lease. Supervisors and admins choose ' +
        "the issuer; a billing clerk gets their own organisation's.",
      auth: 'bearer',
      query: reconciliationQuerySchema,
      responses: { 200: { description: 'Reconciliation report', schema: reconciliationResponseSchema } },
      errors: [400, 401, 403, 503],
      handle: async ({ req, query }) => {
        const user = currentUser(req);
        const issuer = query.issuer ?? user.mspId;
        const own = user.role === 'billing_clerk' && issuer === user.mspId;
        if (!own && !OVERSEERS.has(user.role)) {
          throw new AppError('FORBIDDEN', 'reconciliation is for supervisors, admins and the issuing clerks');
        }
        return {
          status: 200,
          body: await reconciler.run(user.mspId, issuer),
          headers: { 'Cache-Control': 'no-store' },
        };
      },
    }),
  ];
}
