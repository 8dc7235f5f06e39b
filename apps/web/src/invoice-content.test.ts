import { ResponseShapeError } from './parse';
import { contentForm, parseInvoiceContent, prefill } from './invoice-content';
import { newIssueForm, readIssueForm, type InvoiceInput } from './issue-form';

const invoice: InvoiceInput = {
  code: '31010125',
  number: '0000000001',
  type: 'INPATIENT',
  payer: { name: '张三', idNumber: '31011519800101123X' },
  visit: { department: '内科', visitDate: '2026-11-02', dischargeDate: '2026-11-09', medicalRecordNumber: 'MR-0042' },
  items: [
    { name: '床位费', quantity: 7, unitPrice: 4000, amount: 28000 },
    { name: '血常规', quantity: 1.5, unitPrice: 3915, amount: 5873 },
  ],
  totalAmount: 33873,
  payment: { medicalInsuranceFund: 20000, personalAccount: 5000, otherFund: 0, selfPay: 8873 },
  reimbursableAmount: 25005,
};

const answer = { code: '31010125', number: '0000000001', revision: 2, dataDigest: 'ab'.repeat(32), invoice };

function refusal(value: unknown): string {
  try {
    parseInvoiceContent(value);
  } catch (err) {
    if (err instanceof ResponseShapeError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('the content of an invoice, for the update form', () => {
  test('is parsed field by field; a wrong shape names the field', () => {
    expect(parseInvoiceContent(answer)).toEqual(answer);
    const withoutOptional = { ...invoice, visit: { department: '内科', visitDate: '2026-11-02' } };
    expect(parseInvoiceContent({ ...answer, invoice: withoutOptional }).invoice.visit).toEqual({
      department: '内科',
      visitDate: '2026-11-02',
    });
    expect(refusal({ ...answer, revision: '2' })).toBe('body.revision: expected a count');
    expect(refusal({ ...answer, invoice: { ...invoice, type: 'OTHER' } })).toBe(
      'body.invoice.type: expected a known value',
    );
    const badItem = { ...invoice, items: [{ ...invoice.items[0], unitPrice: 40.5 }] };
    expect(refusal({ ...answer, invoice: badItem })).toBe('body.invoice.items[0].unitPrice: expected an amount in fen');
    expect(refusal({ ...answer, invoice: { ...invoice, payer: null } })).toBe('body.invoice.payer: expected an object');
  });

  test('fills the form with amounts in yuan and the optional visit fields', () => {
    expect(contentForm(invoice)).toEqual({
      code: '31010125',
      number: '0000000001',
      type: 'INPATIENT',
      payerName: '张三',
      payerId: '31011519800101123X',
      department: '内科',
      visitDate: '2026-11-02',
      dischargeDate: '2026-11-09',
      medicalRecordNumber: 'MR-0042',
      items: [
        { name: '床位费', quantity: '7', unitPrice: '40.00' },
        { name: '血常规', quantity: '1.5', unitPrice: '39.15' },
      ],
      fund: '200.00',
      account: '50.00',
      other: '0.00',
      self: '88.73',
      reimbursable: '250.05',
    });
    const plain = contentForm({ ...invoice, visit: { department: '内科', visitDate: '2026-11-02' } });
    expect({ discharge: plain.dischargeDate, record: plain.medicalRecordNumber }).toEqual({
      discharge: '',
      record: '',
    });
  });

  test('sent back unchanged, the filled form is the same invoice data', () => {
    expect(readIssueForm(contentForm(invoice), 'pdf').invoice).toEqual(invoice);
    const plain = { ...invoice, visit: { department: '内科', visitDate: '2026-11-02' } };
    expect(readIssueForm(contentForm(plain), 'pdf').invoice).toEqual(plain);
  });

  test('keeps what the clerk typed while the content was loading, fills in the rest', () => {
    const opened = { ...newIssueForm('2026-11-30'), code: '31010125', number: '0000000001' };
    const typed = { ...opened, payerName: '李四', items: [{ name: '挂号费', quantity: '1', unitPrice: '5' }] };
    const filled = prefill(typed, opened, contentForm(invoice));
    expect(filled).toEqual({ ...contentForm(invoice), payerName: '李四', items: typed.items });
    expect(prefill(opened, opened, contentForm(invoice))).toEqual(contentForm(invoice));
  });
});
