import { CODE, NUMBER, issueInput } from '../../test/fixtures';
import { InMemoryLedger, InMemoryTransaction } from '../../test/in-memory-ledger';
import { type Invoice, buildIssuedInvoice, parseIssueInput } from '../domain/invoice';
import { InvoiceRepository } from './invoice-repository';
import { invoiceKey } from './keys';
import { canonicalJson } from './serialise';

const ID = { code: CODE, number: NUMBER };

function sampleInvoice(txId: string, timestamp = '2026-01-05T08:30:00.123Z'): Invoice {
  return buildIssuedInvoice(parseIssueInput(issueInput()), 'Qingpu District Central Hospital', {
    mspId: 'Hospital1MSP',
    timestamp,
    txId,
  });
}

function setup(): { ledger: InMemoryLedger; key: string; repository: () => InvoiceRepository } {
  const ledger = new InMemoryLedger();
  const key = invoiceKey(new InMemoryTransaction(ledger, 'k', 0, 0), ID);
  return { ledger, key, repository: () => new InvoiceRepository(new InMemoryTransaction(ledger, 'q', 0, 0)) };
}

describe('InvoiceRepository', () => {
  it('reports a missing invoice as undefined', async () => {
    const { repository } = setup();
    await expect(repository().get(ID)).resolves.toBeUndefined();
    await expect(repository().exists(ID)).resolves.toBe(false);
  });

  it('stores canonical JSON under the composite key and reads it back', async () => {
    const { ledger, key, repository } = setup();
    const invoice = sampleInvoice('tx-1');
    const tx = new InMemoryTransaction(ledger, 'tx-1', 0, 0);
    await new InvoiceRepository(tx).put(invoice);
    expect(Buffer.from(tx.writes.get(key) ?? []).toString('utf8')).toBe(canonicalJson(invoice));

    ledger.seed(key, canonicalJson(invoice));
    await expect(repository().get(ID)).resolves.toEqual(invoice);
    await expect(repository().exists(ID)).resolves.toBe(true);
  });

  it('reports a malformed stored value as INTERNAL naming the field', async () => {
    const { ledger, key, repository } = setup();
    ledger.seed(key, canonicalJson({ ...sampleInvoice('tx-1'), totalAmount: '12345' }));
    await expect(repository().get(ID)).rejects.toThrow(
      `INTERNAL: invoice ${CODE}/${NUMBER} state is malformed: totalAmount must be a number of fen, got a string`,
    );
  });

  it('reports non-JSON state as INTERNAL', async () => {
    const { ledger, key, repository } = setup();
    ledger.seed(key, 'not json');
    await expect(repository().get(ID)).rejects.toThrow(`INTERNAL: invoice ${CODE}/${NUMBER} state is not valid JSON`);
  });

  it('refuses a value stored under another invoice key', async () => {
    const { ledger, key, repository } = setup();
    ledger.seed(key, canonicalJson({ ...sampleInvoice('tx-1'), number: '0000000002' }));
    await expect(repository().get(ID)).rejects.toThrow(
      `INTERNAL: invoice ${CODE}/${NUMBER} state holds invoice ${CODE}/0000000002`,
    );
  });

  it('returns history oldest first, with deletions as null values', async () => {
    const { ledger, key, repository } = setup();
    const first = sampleInvoice('tx-a');
    ledger.seed(key, canonicalJson(first), 'tx-a');
    ledger.seedDeletion(key, 'tx-b');
    const third = sampleInvoice('tx-c');
    ledger.seed(key, canonicalJson(third), 'tx-c');

    const history = await repository().history(ID);
    expect(history.map((entry) => [entry.txId, entry.isDelete])).toEqual([
      ['tx-a', false],
      ['tx-b', true],
      ['tx-c', false],
    ]);
    expect(history[0]?.value).toEqual(first);
    expect(history[1]?.value).toBeNull();
    expect(history[2]?.value).toEqual(third);
    for (const entry of history) {
      expect(entry.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it('checks history values too', async () => {
    const { ledger, key, repository } = setup();
    ledger.seed(key, '{"code":"x"}', 'tx-bad');
    await expect(repository().history(ID)).rejects.toThrow(
      /^INTERNAL: invoice \d+\/\d+ history entry tx-bad is malformed: /,
    );
  });
});
