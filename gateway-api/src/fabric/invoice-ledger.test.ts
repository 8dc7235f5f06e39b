import { createHash } from 'node:crypto';
import { InMemoryContracts, ChaincodeNetwork } from '../../test/in-memory-fabric';
import { AppError } from '../errors';
import { FabricInvoiceLedger, type IssueInput } from './invoice-ledger';
import { FabricLedgerClient } from './ledger-client';

const hex = (s: string) => createHash('sm3').update(s).digest('hex');

function input(overrides: Partial<IssueInput> = {}): IssueInput {
  return {
    code: '31010125',
    number: '0000000001',
    checkCodeSalt: '00112233445566778899aabbccddeeff',
    checkCodeIterations: 20_000,
    // The chaincode only compares this value; its derivation is the service's concern.
    checkCodeHash: hex('31010125:0000000001:ABC123'),
    type: 'INPATIENT',
    totalAmount: 500,
    payment: { medicalInsuranceFund: 300, personalAccount: 0, otherFund: 0, selfPay: 200 },
    reimbursableAmount: 300,
    payerPseudonym: hex('payer'),
    dataDigest: hex('data'),
    pdfDigest: hex('pdf'),
    dataCid: `bafkrei${'d'.repeat(52)}`,
    pdfCid: `bafkrei${'p'.repeat(52)}`,
    actor: 'clerk1',
    ...overrides,
  };
}

function setup(): { chaincode: ChaincodeNetwork; ledger: FabricInvoiceLedger; waits: number[] } {
  const chaincode = new ChaincodeNetwork();
  const waits: number[] = [];
  const ledger = new FabricInvoiceLedger(
    new FabricLedgerClient(new InMemoryContracts(chaincode), { attempts: 3, baseDelayMs: 100 }, async (ms) => {
      waits.push(ms);
    }),
  );
  return { chaincode, ledger, waits };
}

describe('FabricInvoiceLedger', () => {
  it('issues, waits for the commit and returns the invoice with the tx id', async () => {
    const { chaincode, ledger } = setup();
    const { invoice, txId } = await ledger.issue('Hospital1MSP', input());
    expect(invoice).toMatchObject({
      code: '31010125',
      kind: 'BLUE',
      status: 'ISSUED',
      issuerMsp: 'Hospital1MSP',
      issuingUnit: 'Qingpu District Central Hospital',
      checkCodeIterations: 20_000,
      locks: [],
      reimbursements: [],
      reimbursedAmount: 0,
      revision: 1,
      linkedInvoice: null,
      lastOperation: { operation: 'ISSUE', mspId: 'Hospital1MSP', actor: 'clerk1', txId },
      lastTxId: txId,
    });
    expect(chaincode.committed).toEqual(['Issue']);
    expect(await ledger.read('MedInsMSP', '31010125', '0000000001')).toEqual(invoice);
  });

  it("takes the unit name from the registry and refuses codes outside the caller's ranges", async () => {
    const { ledger, waits } = setup();
    const h2 = await ledger.issue('Hospital2MSP', input({ code: '31020125' }));
    expect(h2.invoice.issuingUnit).toBe('Zhujiajiao Community Health Service Centre');
    await expect(ledger.issue('Hospital2MSP', input())).rejects.toMatchObject({
      code: 'CODE_NOT_ALLOCATED',
      status: 403,
    });
    await expect(ledger.issue('Hospital1MSP', input({ code: '31030001' }))).rejects.toMatchObject({
      code: 'CODE_NOT_ALLOCATED',
    });
    expect(waits).toEqual([]);
  });

  it('reports ORG_NOT_REGISTERED (409) before the registry is written', async () => {
    const chaincode = new ChaincodeNetwork({ registry: false });
    const ledger = new FabricInvoiceLedger(new FabricLedgerClient(new InMemoryContracts(chaincode)));
    await expect(ledger.issue('Hospital1MSP', input())).rejects.toMatchObject({
      code: 'ORG_NOT_REGISTERED',
      status: 409,
    });
  });

  it('retries an MVCC conflict with backoff, a bounded number of times', async () => {
    const { chaincode, ledger, waits } = setup();
    chaincode.faults.push({ stage: 'commit', kind: 'mvcc' });
    await ledger.issue('Hospital1MSP', input());
    expect(waits).toEqual([100]);

    chaincode.faults.push(
      { stage: 'commit', kind: 'mvcc' },
      { stage: 'commit', kind: 'mvcc' },
      { stage: 'commit', kind: 'mvcc' },
    );
    await expect(ledger.issue('Hospital1MSP', input({ number: '0000000002' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(waits).toEqual([100, 100, 200]);
  });

  it('does not retry chaincode rejections', async () => {
    const { ledger, waits } = setup();
    await ledger.issue('Hospital1MSP', input());
    await expect(ledger.issue('Hospital1MSP', input({ checkCodeHash: hex('other') }))).rejects.toMatchObject({
      code: 'INVOICE_EXISTS',
    });
    await expect(ledger.issue('InsurerMSP', input({ number: '0000000003' }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(waits).toEqual([]);
  });

  it('after an unknown outcome, accepts its own earlier commit instead of reporting INVOICE_EXISTS', async () => {
    const { chaincode, ledger } = setup();
    chaincode.faults.push({ stage: 'commitStatus', kind: 'unavailable-after-commit' });
    const { invoice, txId } = await ledger.issue('Hospital1MSP', input());
    expect(chaincode.committed).toEqual(['Issue']);
    expect(txId).toBe(invoice.lastTxId);
  });

  it('retries unavailable endpoints and then reports LEDGER_UNAVAILABLE', async () => {
    const { chaincode, ledger } = setup();
    chaincode.faults.push({ stage: 'endorse', kind: 'unavailable' });
    await ledger.issue('Hospital1MSP', input());
    chaincode.faults.push(
      { stage: 'evaluate', kind: 'unavailable' },
      { stage: 'evaluate', kind: 'unavailable' },
      { stage: 'evaluate', kind: 'unavailable' },
    );
    await expect(ledger.read('Hospital1MSP', '31010125', '0000000001')).rejects.toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
    });
  });

  it('verifies with empty strings for digests not supplied', async () => {
    const { ledger } = setup();
    await ledger.issue('Hospital1MSP', input());
    const query = { code: '31010125', number: '0000000001', checkCodeHash: input().checkCodeHash };
    expect(await ledger.verify('InsurerMSP', query)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
    expect(await ledger.verify('InsurerMSP', { ...query, pdfDigest: hex('other') })).toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['pdfDigest'],
    });
    expect(await ledger.verify('InsurerMSP', { ...query, checkCodeHash: hex('wrong') })).toEqual({
      result: 'unknown',
      mismatches: [],
    });
  });

  it('reads the history in ledger order', async () => {
    const { ledger } = setup();
    const { txId } = await ledger.issue('Hospital1MSP', input());
    const history = await ledger.history('HealthCommMSP', '31010125', '0000000001');
    expect(history.map((h) => h.txId)).toEqual([txId]);
  });

  it('refuses orgs it holds no identity for', async () => {
    const chaincode = new ChaincodeNetwork();
    const ledger = new FabricInvoiceLedger(new FabricLedgerClient(new InMemoryContracts(chaincode, ['Hospital1MSP'])));
    await expect(ledger.read('InsurerMSP', '31010125', '0000000001')).rejects.toBeInstanceOf(AppError);
    await expect(ledger.read('InsurerMSP', '31010125', '0000000001')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('rejects malformed ledger answers as INTERNAL', async () => {
    const { chaincode, ledger } = setup();
    await ledger.issue('Hospital1MSP', input());
    const stored = chaincode.invoice('31010125', '0000000001');
    if (!stored) throw new Error('not stored');
    chaincode.overwrite('31010125', '0000000001', { ...stored, totalAmount: -5 });
    await expect(ledger.read('Hospital1MSP', '31010125', '0000000001')).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('pings every org and names the silent ones', async () => {
    const { chaincode, ledger } = setup();
    await expect(ledger.ping()).resolves.toBeUndefined();
    // Five orgs, three attempts each: every probe fails.
    for (let i = 0; i < 15; i++) chaincode.faults.push({ stage: 'evaluate', kind: 'unavailable' });
    await expect(ledger.ping()).rejects.toThrow(/no answer for/);
  });

  it('ping fails when every peer answers but no endorsement can be gathered', async () => {
    const { chaincode, ledger } = setup();
    chaincode.faults.push({ stage: 'endorse', kind: 'unavailable' });
    await expect(ledger.ping()).rejects.toBeDefined();
    await expect(ledger.ping()).resolves.toBeUndefined();
  });
});
