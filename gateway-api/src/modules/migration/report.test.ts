import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import { limiter } from './limit';
import { buildReport, chainKey } from './report';
import type { MigrationItem, MigrationJob } from './store';

const JOB: MigrationJob = {
  id: 'job',
  mspId: 'Hospital1MSP',
  sourceId: 'source-1',
  description: '',
  unitName: 'Qingpu District Central Hospital',
  createdBy: 'h1.clerk',
  createdAt: '2026-01-01T00:00:00.000Z',
  sealed: true,
  state: 'completed',
  lastError: '',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const DOC = { cid: 'bafk', sm3: 'a'.repeat(64), keyId: 'k', size: 1 };

function item(seq: number, overrides: Partial<MigrationItem> = {}): MigrationItem {
  const number = String(seq).padStart(10, '0');
  return {
    id: `job/31012021/${number}`,
    jobId: 'job',
    seq,
    code: '31012021',
    number,
    type: 'OUTPATIENT',
    totalAmount: 100 * seq,
    issuedAt: '2024-03-04T20:00:00.000Z',
    sourceDigest: 'd',
    state: 'recorded',
    prepared: {
      checkCodeSalt: 's',
      checkCodeIterations: 10_000,
      checkCodeHash: 'h',
      payerPseudonym: 'p',
      payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: 100 * seq },
      reimbursableAmount: 0,
      data: DOC,
      pdf: DOC,
    },
    ...overrides,
  };
}

function onChain(of: MigrationItem, overrides: Partial<OnChainInvoice> = {}): OnChainInvoice {
  return {
    code: of.code,
    number: of.number,
    type: of.type,
    totalAmount: of.totalAmount,
    issuedAt: of.issuedAt,
    issuerMsp: 'Hospital1MSP',
    issuingUnit: 'Qingpu District Central Hospital',
    pdfDigest: DOC.sm3,
    dataDigest: DOC.sm3,
    ...overrides,
  } as OnChainInvoice;
}

describe('buildReport', () => {
  it('counts source and chain by type, unit and China day, and lists every mismatch', () => {
    const items = [
      item(1),
      item(2, { type: 'INPATIENT', issuedAt: '2024-03-05T01:00:00.000Z' }),
      item(3),
      item(4, { state: 'refused', reason: 'CODE_NOT_ALLOCATED: no' }),
      item(5, { id: 'job/#5', state: 'refused', reason: 'DUPLICATE: also item 1' }),
      item(6, { state: 'stored' }),
    ];
    const chain = new Map<string, OnChainInvoice | null>([
      [chainKey(items[0]!), onChain(items[0]!)],
      [chainKey(items[1]!), onChain(items[1]!)],
      [chainKey(items[2]!), onChain(items[2]!, { totalAmount: 1, pdfDigest: 'b'.repeat(64) })],
    ]);
    const report = buildReport(JOB, items, chain, new Date('2026-02-01T00:00:00.000Z'));
    expect(report.complete).toBe(false);
    expect(report.source).toEqual({ count: 6, amount: 2100 });
    expect(report.chain).toEqual({ count: 3, amount: 301 });
    expect(report.byType).toEqual([
      { key: 'INPATIENT', source: { count: 1, amount: 200 }, chain: { count: 1, amount: 200 } },
      { key: 'OUTPATIENT', source: { count: 5, amount: 1900 }, chain: { count: 2, amount: 101 } },
    ]);
    expect(report.byUnit).toEqual([
      { key: 'Qingpu District Central Hospital', source: { count: 6, amount: 2100 }, chain: { count: 3, amount: 301 } },
    ]);
    expect(report.byDay.map((row) => [row.key, row.source.count, row.chain.count])).toEqual([['2024-03-05', 6, 3]]);
    expect(report.mismatches.map((m) => [m.seq, m.kind])).toEqual([
      [3, 'amount_differs'],
      [3, 'digest_differs'],
      [4, 'refused'],
      [5, 'duplicate'],
      [6, 'missing_on_chain'],
    ]);
    expect(report.mismatches[0]?.detail).toBe('source 300, chain 1');
  });

  it('is complete and clean when every item is on chain as sent', () => {
    const items = [item(1), item(2)];
    const chain = new Map(items.map((i) => [chainKey(i), onChain(i)]));
    const report = buildReport(JOB, items, chain, new Date());
    expect(report).toMatchObject({ complete: true, mismatches: [], source: report.chain });
  });
});

describe('limiter', () => {
  it('never runs more than its concurrency at once, and runs everything', async () => {
    const run = limiter(2);
    let active = 0;
    let peak = 0;
    const task = async (n: number) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => run(() => task(n))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
});
