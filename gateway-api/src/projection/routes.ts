/** GET /statistics/invoices: the supervisors' figures, from the projection's query model. */
import { z } from 'zod';
import { AppError } from '../errors';
import { type Route, route } from '../http/route';
import { currentUser } from '../modules/auth/middleware';
import type { InvoiceStatisticsService } from './statistics';

const day = z.iso.date();

/** A period of days; one whose first day is after its last holds no days, and no invoices. */
export const periodQuerySchema = z.object({
  from: day.describe('First day (China Standard Time)'),
  to: day.describe('Last day, inclusive'),
});

/** Amounts in fen; red invoices count negative in totalAmount and reimbursableAmount. */
const bucket = z.object({
  key: z.string(),
  count: z.number(),
  totalAmount: z.number(),
  reimbursableAmount: z.number(),
  reimbursedAmount: z.number(),
});
export const statisticsResponseSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  byUnit: z.array(bucket),
  byType: z.array(bucket),
  byStatus: z.array(bucket),
  byPayer: z.array(z.object({ payerMsp: z.string(), count: z.number(), amount: z.number() })),
  daily: z.array(
    z.object({ day: z.string(), issuedCount: z.number(), netIssuedAmount: z.number(), redCount: z.number() }),
  ),
});

const SUPERVISING_ROLES = new Set(['supervisor', 'admin', 'reimbursement_officer']);

export function statisticsRoutes(statistics: InvoiceStatisticsService): Route[] {
  return [
    route({
      method: 'get',
      path: '/statistics/invoices',
      operationId: 'invoiceStatistics',
      tag: 'invoices',
      summary: 'Invoice figures by unit, type, status and payer, and daily totals, over a period of days',
      auth: 'bearer',
      query: periodQuerySchema,
      responses: { 200: { description: 'Statistics', schema: statisticsResponseSchema } },
      errors: [400, 401, 403, 503],
      handle: async ({ req, query }) => {
        const user = currentUser(req);
        if (!SUPERVISING_ROLES.has(user.role)) {
          throw new AppError('FORBIDDEN', `statistics are for supervisors and finance officers (${user.role})`);
        }
        return { status: 200, body: await statistics.compute({ from: query.from, to: query.to }) };
      },
    }),
  ];
}
