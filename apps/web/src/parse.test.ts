import {
  errorBody,
  parseCommitted,
  parseHistory,
  parseInvoice,
  parseIssued,
  parseStatistics,
  parseVerification,
  ResponseShapeError,
} from './parse';

const lock = {
  claimId: 'MI-1',
  holderMsp: 'MedInsMSP',
  actor: 'medins.officer',
  amount: 3000,
  lockedAt: '2026-11-30T08:00:00.000Z',
  expiresAt: '2026-12-01T08:00:00.000Z',
  state: 'REIMBURSED',
  closedAt: '2026-11-30T08:01:00.000Z',
};
const operation = {
  operation: 'REIMBURSE',
  mspId: 'MedInsMSP',
  actor: 'medins.officer',
  timestamp: '2026-11-30T08:01:00.000Z',
  txId: 'tx2',
  reason: '',
};
const view = {
  code: '31010001',
  number: '0000000001',
  type: 'OUTPATIENT',
  totalAmount: 12830,
  payment: { medicalInsuranceFund: 6000, personalAccount: 2000, otherFund: 0, selfPay: 4830 },
  reimbursableAmount: 4830,
  payerPseudonym: 'a'.repeat(64),
  dataDigest: 'b'.repeat(64),
  pdfDigest: 'c'.repeat(64),
  dataCid: 'bafy1',
  pdfCid: 'bafy2',
  kind: 'BLUE',
  issuingUnit: 'Qingpu District Central Hospital',
  issuerMsp: 'Hospital1MSP',
  issuedAt: '2026-11-30T07:59:00.000Z',
  currency: 'CNY',
  status: 'PARTIALLY_REIMBURSED',
  linkedInvoice: null,
  locks: [lock],
  reimbursements: [
    { claimId: 'MI-1', payerMsp: 'MedInsMSP', actor: 'medins.officer', amount: 3000, at: 'x', txId: 'tx2' },
  ],
  reimbursedAmount: 3000,
  revision: 3,
  lastOperation: operation,
  lastTxId: 'tx2',
  updatedAt: '2026-11-30T08:01:00.000Z',
};

describe('parsing the API answers', () => {
  it('takes an invoice with its claims as the API sends it', () => {
    const invoice = parseInvoice(view);
    expect(invoice).toMatchObject({
      status: 'PARTIALLY_REIMBURSED',
      reimbursedAmount: 3000,
      kind: 'BLUE',
      revision: 3,
    });
    expect(invoice.locks).toEqual([lock]);
    expect(invoice.lastOperation).toEqual(operation);
    expect(parseCommitted({ invoice: view, txId: 'tx2' }).txId).toBe('tx2');
  });

  it("reads an older gateway's summary, without claims, as an invoice with none", () => {
    const old: Record<string, unknown> = { ...view };
    for (const key of ['locks', 'reimbursements', 'reimbursedAmount', 'kind', 'revision', 'lastOperation'])
      delete old[key];
    const invoice = parseInvoice({ ...old, status: 'ISSUED' });
    expect(invoice).toMatchObject({ locks: [], reimbursements: [], reimbursedAmount: 0, status: 'ISSUED' });
    expect(invoice.kind).toBeUndefined();
  });

  it('names the field of an answer that has the wrong shape', () => {
    expect(() => parseInvoice({ ...view, status: 'LOST' })).toThrow(
      new ResponseShapeError('invoice.status: expected a known value'),
    );
    expect(() => parseInvoice({ ...view, locks: [{ ...lock, amount: 1.5 }] })).toThrow(
      'invoice.locks[0].amount: expected an amount in fen',
    );
    expect(() => parseCommitted({ invoice: view })).toThrow('body.txId: expected a string');
    expect(() => parseInvoice([])).toThrow('invoice: expected an object');
  });

  it('takes verdicts and history entries', () => {
    expect(parseVerification({ result: 'tampered', status: 'ISSUED', mismatches: ['pdfDigest'] })).toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['pdfDigest'],
    });
    expect(() => parseVerification({ result: 'maybe', mismatches: [] })).toThrow('body.result');
    const history = parseHistory([{ txId: 'tx2', timestamp: 't', isDelete: false, value: view }]);
    expect(history).toEqual([{ txId: 'tx2', timestamp: 't', status: 'PARTIALLY_REIMBURSED', operation }]);
  });

  it('recognises the error body { code, message }', () => {
    expect(errorBody({ code: 'LOCK_NOT_ACTIVE', message: 'no active lock', claimId: 'x' })).toEqual({
      code: 'LOCK_NOT_ACTIVE',
      message: 'no active lock',
    });
    expect(errorBody('<html>')).toBeUndefined();
    expect(errorBody({ code: 1 })).toBeUndefined();
  });
});

describe('parseIssued', () => {
  const base = { code: '31010001', number: '0000000001', checkCode: 'ABC123', pdfDigest: 'c'.repeat(64) };

  it('reads an issued invoice with its transaction', () => {
    expect(parseIssued({ ...base, status: 'ISSUED', txId: 'tx1', issuingUnit: 'X', dataDigest: 'd' })).toEqual({
      code: '31010001',
      number: '0000000001',
      checkCode: 'ABC123',
      txId: 'tx1',
      pending: false,
    });
  });

  it('reads a pending one (202: not on chain yet, no transaction)', () => {
    expect(parseIssued({ ...base, status: 'PENDING', attempts: 2 })).toMatchObject({ pending: true, txId: '' });
    expect(() => parseIssued({ ...base, status: 'ISSUED' })).toThrow(ResponseShapeError);
  });
});

describe('parseStatistics', () => {
  const unit = {
    key: 'Qingpu District Central Hospital',
    count: 3,
    totalAmount: 25660,
    reimbursableAmount: 9660,
    reimbursedAmount: 4830,
  };
  const stats = {
    period: { from: '2026-11-01', to: '2026-11-30' },
    byUnit: [unit],
    byType: [{ ...unit, key: 'OUTPATIENT' }],
    byStatus: [
      { ...unit, key: 'REIMBURSED', count: 2 },
      { ...unit, key: 'RED_FLUSHED', count: 1 },
    ],
    byPayer: [{ payerMsp: 'MedInsMSP', count: 1, amount: 3000 }],
    daily: [{ day: '2026-11-30', issuedCount: 3, netIssuedAmount: -12830, redCount: 1 }],
  };

  it('takes the figures as the API sends them, red invoices negative', () => {
    expect(parseStatistics(stats)).toEqual(stats);
  });

  it("reads a gateway's buckets without reimbursable amounts", () => {
    const older: Record<string, unknown> = { ...unit };
    delete older['reimbursableAmount'];
    const parsed = parseStatistics({ ...stats, byUnit: [older] });
    expect(parsed.byUnit).toEqual([older]);
    expect(parsed.byUnit[0]?.reimbursableAmount).toBeUndefined();
  });

  it('names the field of a malformed answer', () => {
    expect(() => parseStatistics({ ...stats, byUnit: [{ ...unit, totalAmount: '256.60' }] })).toThrow(
      new ResponseShapeError('body.byUnit[0].totalAmount: expected an amount in fen'),
    );
    expect(() => parseStatistics({ ...stats, daily: [{ ...stats.daily[0], issuedCount: -1 }] })).toThrow(
      'body.daily[0].issuedCount: expected a count',
    );
    expect(() => parseStatistics({ ...stats, byPayer: [{ count: 1, amount: 1 }] })).toThrow(
      'body.byPayer[0].payerMsp: expected a string',
    );
    expect(() => parseStatistics({ ...stats, byStatus: undefined })).toThrow('body.byStatus: expected a list');
    expect(() => parseStatistics({ ...stats, period: '2026-11' })).toThrow('body.period: expected an object');
    expect(() => parseStatistics(null)).toThrow('body: expected an object');
  });
});
