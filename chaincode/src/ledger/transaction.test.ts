import { FakeLong } from '../../test/in-memory-ledger';
import { currentTransaction, emitEvent } from './transaction';

describe('currentTransaction', () => {
  it('reads the id and the timestamp of the transaction', () => {
    const stub = {
      getTxID: () => 'abc',
      getTxTimestamp: () => ({ seconds: new FakeLong(1_767_601_800), nanos: 42_000_000 }),
    };
    expect(currentTransaction(stub)).toEqual({ txId: 'abc', timestamp: '2026-01-05T08:30:00.042Z' });
  });

  it('refuses an empty transaction id', () => {
    const stub = { getTxID: () => '', getTxTimestamp: () => ({ seconds: 0, nanos: 0 }) };
    expect(() => currentTransaction(stub)).toThrow('INTERNAL: transaction id is empty');
  });
});

describe('emitEvent', () => {
  it('sets the event with a canonical JSON payload', () => {
    const events: [string, string][] = [];
    emitEvent(
      { setEvent: (name, payload) => events.push([name, Buffer.from(payload).toString('utf8')]) },
      'InvoiceIssued',
      { txId: 't', code: 'c' },
    );
    expect(events).toEqual([['InvoiceIssued', '{"code":"c","txId":"t"}']]);
  });
});
