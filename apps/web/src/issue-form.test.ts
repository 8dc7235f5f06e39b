import { InputError } from './messages';
import { itemsTotal, newIssueForm, readInvoiceId, readIssueForm, rowItem, type IssueFormModel } from './issue-form';

function filled(): IssueFormModel {
  return {
    ...newIssueForm('2026-11-20'),
    code: '31010001',
    number: '0000000001',
    payerName: '张三',
    payerId: '310101199001011234',
    department: '内科',
    items: [
      { name: '诊查费', quantity: '1', unitPrice: '50' },
      { name: '血常规', quantity: '2', unitPrice: '39.15' },
    ],
    fund: '60',
    account: '20',
    self: '48.30',
    reimbursable: '48.30',
  };
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof InputError) return err.text();
    throw err;
  }
  throw new Error('not refused');
}

describe('the issue form', () => {
  test('rows are priced in fen and summed', () => {
    expect(rowItem({ name: 'x', quantity: '2', unitPrice: '39.15' })).toEqual({
      quantity: 2,
      unitPrice: 3915,
      amount: 7830,
    });
    expect(rowItem({ name: 'x', quantity: '0', unitPrice: '1' })).toBeUndefined();
    expect(itemsTotal(filled().items)).toBe(12830);
  });

  test('a complete form becomes the API invoice with its PDF', () => {
    const { invoice, pdf } = readIssueForm(filled(), 'file');
    expect(pdf).toBe('file');
    expect(invoice).toMatchObject({
      code: '31010001',
      type: 'OUTPATIENT',
      totalAmount: 12830,
      payment: { medicalInsuranceFund: 6000, personalAccount: 2000, otherFund: 0, selfPay: 4830 },
      reimbursableAmount: 4830,
    });
    expect(invoice.items).toHaveLength(2);
  });

  test('what is clearly wrong is refused in words', () => {
    expect(refusal(() => readIssueForm({ ...filled(), code: '123' }, 'f'))).toContain('8');
    expect(refusal(() => readIssueForm({ ...filled(), self: '48.31' }, 'f'))).toContain('¥128.31');
    expect(refusal(() => readIssueForm({ ...filled(), payerName: ' ' }, 'f'))).toContain('患者姓名');
    expect(refusal(() => readIssueForm(filled(), undefined))).toContain('PDF');
    expect(refusal(() => readIssueForm({ ...filled(), type: 'OTHER' }, 'f'))).toContain('票据类型');
  });

  test('invoice ids are trimmed and checked', () => {
    expect(readInvoiceId(' 31010001 ', '0000000001')).toEqual({ code: '31010001', number: '0000000001' });
    expect(refusal(() => readInvoiceId('31010001', '1'))).toContain('10');
  });
});
