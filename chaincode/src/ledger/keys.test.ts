import { InMemoryTransaction, InMemoryLedger } from '../../test/in-memory-ledger';
import { INVOICE_OBJECT_TYPE, invoiceKey } from './keys';

describe('invoiceKey', () => {
  it('builds the composite key invoice [code, number] through the stub', () => {
    const calls: [string, string[]][] = [];
    const stub = {
      createCompositeKey(objectType: string, attributes: string[]): string {
        calls.push([objectType, attributes]);
        return 'key';
      },
    };
    expect(invoiceKey(stub, { code: '31010126', number: '0000000001' })).toBe('key');
    expect(calls).toEqual([[INVOICE_OBJECT_TYPE, ['31010126', '0000000001']]]);
    expect(INVOICE_OBJECT_TYPE).toBe('invoice');
  });

  it('keeps different invoices apart', () => {
    const stub = new InMemoryTransaction(new InMemoryLedger(), 'tx', 0, 0);
    const a = invoiceKey(stub, { code: '31010126', number: '0000000001' });
    const b = invoiceKey(stub, { code: '31010126', number: '0000000010' });
    expect(a).toBe('\u0000invoice\u000031010126\u00000000000001\u0000');
    expect(a).not.toBe(b);
  });
});
