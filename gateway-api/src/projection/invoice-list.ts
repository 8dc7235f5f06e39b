/**
 * Lists of invoices from the projection's query model, most recently issued first, a page at a
 * time. A page ends with an opaque cursor naming the last invoice it held; the next page starts
 * after it, so invoices projected meanwhile never shift a page.
 */
import type { FilterQuery } from 'mongoose';
import type { InvoiceViewDoc, InvoiceViewModel } from './model';

export interface InvoiceListQuery {
  issuerMsp?: string | undefined;
  status?: string | undefined;
  /** First day of issue (China Standard Time), inclusive. */
  from?: string | undefined;
  /** Last day of issue, inclusive. */
  to?: string | undefined;
  limit: number;
  after?: string | undefined;
}

export interface InvoiceListItem {
  code: string;
  number: string;
  kind: string;
  type: string;
  issuerMsp: string;
  issuingUnit: string;
  status: string;
  totalAmount: number;
  reimbursableAmount: number;
  reimbursedAmount: number;
  issuedDay: string;
  issuedAt: string;
  updatedAt: string;
}

export interface InvoiceListPage {
  items: InvoiceListItem[];
  next: string | null;
}

interface Position {
  issuedAt: string;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.issuedAt, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service made. */
export function decodeCursor(cursor: string): Position | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [issuedAt, id] = value as unknown[];
    if (typeof issuedAt !== 'string' || typeof id !== 'string') return undefined;
    return { issuedAt, id };
  } catch {
    return undefined;
  }
}

/** The filter of one page: the query's conditions (days of issue, China Standard Time), and after the cursor's invoice. */
export function listFilter(query: Omit<InvoiceListQuery, 'after'>, after?: Position): FilterQuery<InvoiceViewDoc> {
  const filter: FilterQuery<InvoiceViewDoc> = {};
  if (query.issuerMsp !== undefined) filter.issuerMsp = query.issuerMsp;
  if (query.status !== undefined) filter.status = query.status;
  const day: Record<string, string> = {};
  if (query.from !== undefined) day['$gte'] = query.from;
  if (query.to !== undefined) day['$lte'] = query.to;
  if (Object.keys(day).length > 0) filter.issuedDay = day;
  if (after === undefined) return filter;
  const beyond = {
    $or: [{ issuedAt: { $lt: after.issuedAt } }, { issuedAt: after.issuedAt, _id: { $lt: after.id } }],
  };
  return Object.keys(filter).length === 0 ? beyond : { $and: [filter, beyond] };
}

const ITEM_FIELDS = {
  _id: 1,
  code: 1,
  number: 1,
  kind: 1,
  type: 1,
  issuerMsp: 1,
  issuingUnit: 1,
  status: 1,
  totalAmount: 1,
  reimbursableAmount: 1,
  reimbursedAmount: 1,
  issuedDay: 1,
  issuedAt: 1,
  updatedAt: 1,
} as const;

function toItem(doc: InvoiceViewDoc): InvoiceListItem {
  return {
    code: doc.code,
    number: doc.number,
    kind: doc.kind,
    type: doc.type,
    issuerMsp: doc.issuerMsp,
    issuingUnit: doc.issuingUnit,
    status: doc.status,
    totalAmount: doc.totalAmount,
    reimbursableAmount: doc.reimbursableAmount,
    reimbursedAmount: doc.reimbursedAmount,
    issuedDay: doc.issuedDay,
    issuedAt: doc.issuedAt,
    updatedAt: doc.updatedAt,
  };
}

export class InvalidCursorError extends Error {}

export class InvoiceListService {
  constructor(private readonly views: InvoiceViewModel) {}

  async list(query: InvoiceListQuery): Promise<InvoiceListPage> {
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    if (query.after !== undefined && after === undefined) throw new InvalidCursorError('not a cursor of this list');
    // One more than the page tells whether another page follows.
    const rows = await this.views
      .find(listFilter(query, after))
      .sort({ issuedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .select(ITEM_FIELDS)
      .lean<InvoiceViewDoc[]>()
      .exec();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next =
      rows.length > query.limit && last !== undefined ? encodeCursor({ issuedAt: last.issuedAt, id: last._id }) : null;
    return { items: page.map(toItem), next };
  }
}
