import { listQueryString } from './api';
import { parseInvoiceList, parseRedFlushed, ResponseShapeError } from './parse';
import { restoreSession } from './session';

const item = {
  code: '31010001',
  number: '0000000002',
  kind: 'RED',
  type: 'OUTPATIENT',
  issuerMsp: 'Hospital1MSP',
  issuingUnit: 'Qingpu District Central Hospital',
  status: 'ISSUED',
  totalAmount: -12830,
  reimbursableAmount: -4830,
  reimbursedAmount: 0,
  issuedDay: '2026-11-30',
  updatedAt: '2026-11-30T08:00:00.000Z',
};

describe('the invoice list', () => {
  test('the query leaves blank filters out', () => {
    expect(listQueryString({ issuer: 'Hospital1MSP', status: '', from: '2026-11-01', limit: 20 })).toBe(
      '?issuer=Hospital1MSP&from=2026-11-01&limit=20',
    );
    expect(listQueryString({ after: undefined })).toBe('');
  });

  test('a page is parsed field by field', () => {
    expect(parseInvoiceList({ items: [item], next: 'abc' })).toEqual({ items: [item], next: 'abc' });
    expect(parseInvoiceList({ items: [], next: null }).next).toBeNull();
    expect(() => parseInvoiceList({ items: [{ ...item, status: 'LOST' }], next: null })).toThrow(
      'body.items[0].status',
    );
    expect(() => parseInvoiceList({ items: [], next: 3 })).toThrow(ResponseShapeError);
  });

  test('a red-flush answer names the red invoice and its check code', () => {
    const original = {
      code: '31010001',
      number: '0000000001',
      type: 'OUTPATIENT',
      status: 'RED_FLUSHED',
      issuingUnit: 'u',
      issuerMsp: 'Hospital1MSP',
      issuedAt: 'x',
      totalAmount: 100,
      payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: 100 },
      reimbursableAmount: 0,
      pdfDigest: 'p',
      dataDigest: 'd',
      lastTxId: 'tx',
      updatedAt: 'y',
    };
    const red = { code: '31010001', number: '0000000009', checkCode: 'AB12CD', pdfDigest: 'p', dataDigest: 'd' };
    const parsed = parseRedFlushed({ original, red, txId: 'tx9' });
    expect(parsed.red).toEqual({ code: '31010001', number: '0000000009', checkCode: 'AB12CD' });
    expect(parsed.original.status).toBe('RED_FLUSHED');
    expect(() => parseRedFlushed({ original, txId: 'tx9' })).toThrow('body.red');
  });
});

describe('a kept session', () => {
  const session = {
    token: 't',
    expiresAt: '2026-11-30T09:00:00.000Z',
    user: { username: 'h1.clerk', displayName: 'Clerk', mspId: 'Hospital1MSP', role: 'billing_clerk' },
  };

  test('is restored until it expires; anything unreadable is dropped', () => {
    const text = JSON.stringify(session);
    expect(restoreSession(text, Date.parse('2026-11-30T08:00:00.000Z'))?.user.username).toBe('h1.clerk');
    expect(restoreSession(text, Date.parse('2026-11-30T10:00:00.000Z'))).toBeUndefined();
    expect(restoreSession('{', 0)).toBeUndefined();
    expect(restoreSession(null, 0)).toBeUndefined();
  });
});
