import { CLERK, serviceSetup } from '../../../test/invoice-service';
import { invoiceData, PDF } from '../../../test/harness';
import { FabricMigrationLedger } from '../../fabric/migration-ledger';
import { FabricLedgerClient } from '../../fabric/ledger-client';
import { InMemoryContracts } from '../../../test/in-memory-fabric';
import { InvoiceReconciler } from './reconciliation';
import { invoiceDataSchema } from './schemas';

const numbers = ['0000000001', '0000000002', '0000000003'];

/** Three invoices issued through the service; the chain's side is whatever the ledger holds. */
async function setup() {
  const s = serviceSetup();
  for (const number of numbers) {
    await s.service.issueInvoice(CLERK, invoiceDataSchema.parse(invoiceData({ number })), PDF);
  }
  const onChain = new Set(numbers.map((n) => `31010125/${n}`));
  const reconciler = new InvoiceReconciler({
    ledger: new FabricMigrationLedger(
      new FabricLedgerClient(new InMemoryContracts(s.chaincode), { attempts: 1, baseDelayMs: 0 }),
    ),
    records: s.offchain.records,
    chain: {
      idsByIssuer: async (issuer, after, limit) =>
        issuer !== 'Hospital1MSP'
          ? []
          : [...onChain]
              .sort()
              .filter((id) => after === undefined || id > after)
              .slice(0, limit),
    },
    issuances: s.offchain.issuances,
    stalledAfterMs: 60_000,
    clock: () => new Date(Date.now() + 120_000),
  });
  return { ...s, onChain, reconciler };
}

describe('InvoiceReconciler', () => {
  it('finds nothing when the ledger and the records agree', async () => {
    const { reconciler } = await setup();
    const report = await reconciler.run('Hospital1MSP', 'Hospital1MSP');
    expect(report).toMatchObject({ counts: { records: 3, ledgerInvoices: 3, openIssuances: 0 }, truncated: false });
    expect(report.divergences).toEqual([]);
  });

  it('lists each kind of divergence with the invoice it concerns', async () => {
    const { reconciler, offchain, chaincode, onChain } = await setup();
    // On chain, its record lost: the PDF and check code are unreachable.
    offchain.records.rows.delete('31010125/0000000001');
    // A record pointing at other documents than the ones anchored.
    const second = offchain.records.rows.get('31010125/0000000002');
    if (!second) throw new Error('no record');
    offchain.records.rows.set('31010125/0000000002', { ...second, pdf: { ...second.pdf, cid: second.data.cid } });
    // A record of an invoice the ledger does not have.
    const third = offchain.records.rows.get('31010125/0000000003');
    if (!third) throw new Error('no record');
    offchain.records.rows.set('31010125/0000000404', { ...third, number: '0000000404' });
    // An issue still open long after its lease.
    const issuance = offchain.issuances.rows.get('31010125/0000000003');
    if (!issuance) throw new Error('no issuance');
    offchain.issuances.rows.set('31010125/0000000005', {
      ...issuance,
      id: '31010125/0000000005',
      number: '0000000005',
      state: 'ANCHORING',
      attempts: 4,
      lastError: 'LEDGER_UNAVAILABLE: the ledger is unreachable',
    });
    onChain.add('31010125/0000000404'); // the projection may list what the ledger no longer confirms
    expect(chaincode.invoice('31010125', '0000000404')).toBeUndefined();

    const report = await reconciler.run('Hospital1MSP', 'Hospital1MSP');
    const found = Object.fromEntries(report.divergences.map((d) => [`${d.kind} ${d.invoice}`, d.detail]));
    expect(Object.keys(found).sort()).toEqual([
      'ISSUANCE_STALLED 31010125/0000000005',
      'LEDGER_WITHOUT_RECORD 31010125/0000000001',
      'RECORD_DIFFERS 31010125/0000000002',
      'RECORD_NOT_ON_LEDGER 31010125/0000000404',
    ]);
    expect(found['RECORD_DIFFERS 31010125/0000000002']).toContain('pdf');
    expect(found['ISSUANCE_STALLED 31010125/0000000005']).toContain('LEDGER_UNAVAILABLE');
    expect(report.divergences).toHaveLength(4);
  });

  it('keeps to the issuer asked for', async () => {
    const { reconciler, offchain } = await setup();
    offchain.records.rows.delete('31010125/0000000001');
    const report = await reconciler.run('Hospital2MSP', 'Hospital2MSP');
    expect(report).toMatchObject({
      issuerMsp: 'Hospital2MSP',
      counts: { records: 0, ledgerInvoices: 0 },
      divergences: [],
    });
  });
});
