/**
 * Statistics for finance and health-commission supervisors, from the query model: by issuing
 * unit, type, status and payer over a period of days (China Standard Time), and daily totals.
 * Red invoices count negative in amounts (their total and reimbursable amounts).
 */
import type { PipelineStage } from 'mongoose';
import type { InvoiceViewModel } from './model';

export interface Period {
  from: string;
  to: string;
}

export interface Bucket {
  key: string;
  count: number;
  totalAmount: number;
  reimbursableAmount: number;
  reimbursedAmount: number;
}

export interface DailyTotals {
  day: string;
  issuedCount: number;
  /** Ordinary invoices' totals minus red invoices' totals. */
  netIssuedAmount: number;
  redCount: number;
}

export interface PayerTotals {
  payerMsp: string;
  count: number;
  amount: number;
}

export interface InvoiceStatistics {
  period: Period;
  byUnit: Bucket[];
  byType: Bucket[];
  byStatus: Bucket[];
  byPayer: PayerTotals[];
  daily: DailyTotals[];
}

/** An amount of the invoice, negative for a red invoice. */
function signed(field: string): object {
  return { $cond: [{ $eq: ['$kind', 'RED'] }, { $multiply: [`$${field}`, -1] }, `$${field}`] };
}

const SIGNED_TOTAL = signed('totalAmount');

type BucketRow = {
  _id: string;
  count: number;
  totalAmount: number;
  reimbursableAmount: number;
  reimbursedAmount: number;
};

function grouped(field: string): PipelineStage[] {
  return [
    {
      $group: {
        _id: `$${field}`,
        count: { $sum: 1 },
        totalAmount: { $sum: SIGNED_TOTAL },
        reimbursableAmount: { $sum: signed('reimbursableAmount') },
        reimbursedAmount: { $sum: '$reimbursedAmount' },
      },
    },
    { $sort: { _id: 1 } },
  ];
}

function toBuckets(rows: BucketRow[]): Bucket[] {
  return rows.map((row) => ({
    key: row._id,
    count: row.count,
    totalAmount: row.totalAmount,
    reimbursableAmount: row.reimbursableAmount,
    reimbursedAmount: row.reimbursedAmount,
  }));
}

export class InvoiceStatisticsService {
  constructor(private readonly views: InvoiceViewModel) {}

  async compute(period: Period): Promise<InvoiceStatistics> {
    const match = { $match: { issuedDay: { $gte: period.from, $lte: period.to } } };
    const [byUnit, byType, byStatus, byPayer, daily] = await Promise.all([
      this.views.aggregate<BucketRow>([match, ...grouped('issuingUnit')]),
      this.views.aggregate<BucketRow>([match, ...grouped('type')]),
      this.views.aggregate<BucketRow>([match, ...grouped('status')]),
      this.payers(period),
      this.daily(period),
    ]);
    return {
      period,
      byUnit: toBuckets(byUnit),
      byType: toBuckets(byType),
      byStatus: toBuckets(byStatus),
      byPayer,
      daily,
    };
  }

  /** Reimbursements made within the period, whenever the invoice was issued. */
  private async payers(period: Period): Promise<PayerTotals[]> {
    const rows = await this.views.aggregate<{ _id: string; count: number; amount: number }>([
      { $match: { 'reimbursements.day': { $gte: period.from, $lte: period.to } } },
      { $unwind: '$reimbursements' },
      { $match: { 'reimbursements.day': { $gte: period.from, $lte: period.to } } },
      { $group: { _id: '$reimbursements.payerMsp', count: { $sum: 1 }, amount: { $sum: '$reimbursements.amount' } } },
      { $sort: { _id: 1 } },
    ]);
    return rows.map((row) => ({ payerMsp: row._id, count: row.count, amount: row.amount }));
  }

  private async daily(period: Period): Promise<DailyTotals[]> {
    const rows = await this.views.aggregate<{ _id: string; issuedCount: number; net: number; redCount: number }>([
      { $match: { issuedDay: { $gte: period.from, $lte: period.to } } },
      {
        $group: {
          _id: '$issuedDay',
          issuedCount: { $sum: 1 },
          net: { $sum: SIGNED_TOTAL },
          redCount: { $sum: { $cond: [{ $eq: ['$kind', 'RED'] }, 1, 0] } },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    return rows.map((row) => ({
      day: row._id,
      issuedCount: row.issuedCount,
      netIssuedAmount: row.net,
      redCount: row.redCount,
    }));
  }
}

/** The invoices the chaincode's events reported, by issuer: the chain's side of a reconciliation. */
export class ProjectedInvoiceIds {
  constructor(private readonly views: InvoiceViewModel) {}

  async idsByIssuer(issuerMsp: string, after: string | undefined, limit: number): Promise<string[]> {
    const rows = await this.views
      .find({ issuerMsp, ...(after === undefined ? {} : { _id: { $gt: after } }) })
      .sort({ _id: 1 })
      .limit(limit)
      .select({ _id: 1 })
      .lean()
      .exec();
    return rows.map((row) => row._id);
  }
}
