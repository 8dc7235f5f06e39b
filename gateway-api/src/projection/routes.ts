/** GET /statistics/invoices: the supervisors' figures, from the projection's query model. */
import { INVOICE_STATUSES, MSP_IDS } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../errors';
import { type Route, route } from '../http/route';
import { currentUser } from '../modules/auth/middleware';
import { InvalidCursorError, type InvoiceListService } from './invoice-list';
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

export const invoiceListQuerySchema = z.object({
  issuer: z
    .enum(MSP_IDS as [string, ...string[]])
    .optional()
    .describe("The issuing organisation (MSP id); a billing clerk's own by default, and only that"),
  status: z.enum(INVOICE_STATUSES).optional().describe('Only invoices in this status'),
  from: day.optional().describe('First day of issue (China Standard Time), inclusive'),
  to: day.optional().describe('Last day of issue, inclusive'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Invoices per page (1..200)'),
  after: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The previous page's `next` cursor; any other string is refused with 400"),
});

const listItem = z.object({
  code: z.string(),
  number: z.string(),
  kind: z.string(),
  type: z.string(),
  issuerMsp: z.string(),
  issuingUnit: z.string(),
  status: z.string(),
  totalAmount: z.number().describe('Fen'),
  reimbursableAmount: z.number(),
  reimbursedAmount: z.number(),
  issuedDay: z.string().describe('Day of issue, China Standard Time'),
  issuedAt: z.string().describe('Time of issue (ISO 8601)'),
  updatedAt: z.string(),
});
export const invoiceListResponseSchema = z.object({
  items: z.array(listItem),
  next: z.string().nullable().describe('Cursor of the next page; null on the last page'),
});

const LIST_READERS = new Set(['supervisor', 'admin', 'reimbursement_officer']);

export function invoiceListRoutes(list: InvoiceListService): Route[] {
  return [
    route({
      method: 'get',
      path: '/invoices',
      operationId: 'listInvoices',
      tag: 'invoices',
      summary: 'Lists invoices, most recently issued first, a page at a time',
      description:
        "From the query model the chaincode's events keep: an invoice appears, and its status changes, a few " +
        'seconds after its transaction commits. A billing clerk lists only its own organisation.',
      auth: 'bearer',
      query: invoiceListQuerySchema,
      responses: { 200: { description: 'One page of invoices', schema: invoiceListResponseSchema } },
      errors: [400, 401, 403, 503],
      handle: async ({ req, query }) => {
        const user = currentUser(req);
        const issuerMsp = query.issuer ?? (user.role === 'billing_clerk' ? user.mspId : undefined);
        const own = user.role === 'billing_clerk' && issuerMsp === user.mspId;
        if (!own && !LIST_READERS.has(user.role)) {
          throw new AppError('FORBIDDEN', "a billing clerk lists only its own organisation's invoices");
        }
        const page = await list.list({ ...query, issuerMsp }).catch((err: unknown) => {
          if (err instanceof InvalidCursorError) throw new AppError('VALIDATION', 'after: not a cursor of this list');
          throw err;
        });
        return { status: 200, body: page, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
  ];
}
