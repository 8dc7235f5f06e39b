import { createHash, createHmac } from 'node:crypto';
import { InMemoryContracts, ChaincodeNetwork } from '../../../test/in-memory-fabric';
import { FakeOffchain } from '../../../test/fake-offchain';
import { ISSUER_SECRET, invoiceData, PDF } from '../../../test/harness';
import type { User } from '../auth/roles';
import { FabricInvoiceLedger } from '../../fabric/invoice-ledger';
import { FabricLedgerClient } from '../../fabric/ledger-client';
import { invoiceDataSchema } from './schemas';
import type { Logger } from '../../logger';
import { CHECK_CODE_ALPHABET, dataDigestOf, generateCheckCode, InvoiceService } from './service';

const sm3 = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');
const clerk: User = {
  username: 'clerk1',
  displayName: 'Clerk',
  mspId: 'Hospital1MSP',
  role: 'billing_clerk',
  unit: 'Qingpu District Central Hospital',
};
const officer: User = {
  username: 'officer',
  displayName: 'Officer',
  mspId: 'MedInsMSP',
  role: 'reimbursement_officer',
};

function setup() {
  const chaincode = new ChaincodeNetwork();
  const offchain = new FakeOffchain();
  const logged: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (m) => logged.push(m), error: (m) => logged.push(m) };
  const service = new InvoiceService({
    ledger: new FabricInvoiceLedger(
      new FabricLedgerClient(new InMemoryContracts(chaincode), { attempts: 2, baseDelayMs: 0 }, async () => undefined),
    ),
    files: offchain.files,
    records: offchain.records,
    idempotency: offchain.idempotency,
    issuerSecret: ISSUER_SECRET,
    logger,
  });
  return { chaincode, offchain, service, logged };
}

const data = invoiceDataSchema.parse(invoiceData());

describe('check codes', () => {
  it('are 6 characters from the unambiguous alphabet', () => {
    expect(CHECK_CODE_ALPHABET).not.toMatch(/[OI]/);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCheckCode();
      expect(code).toMatch(/^[0-9A-HJ-NP-Z]{6}$/);
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(CHECK_CODE_ALPHABET.length);
  });
});

describe('InvoiceService.issueInvoice', () => {
  it('anchors the pseudonym and digests, keeps personal data and the check code off chain, encrypted', async () => {
    const { chaincode, offchain, service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    const onChain = chaincode.invoice('31010125', '0000000001');
    expect(onChain?.payerPseudonym).toBe(createHmac('sm3', ISSUER_SECRET).update('31011519800101123X').digest('hex'));
    expect(onChain?.pdfDigest).toBe(sm3(PDF));

    const stored = offchain.files.byDocId('invoice/31010125/0000000001/data');
    expect(stored).toBeDefined();
    const storedJson: unknown = JSON.parse(stored?.toString('utf8') ?? 'null');
    expect(storedJson).toMatchObject({ checkCode: result.checkCode, payer: { name: 'Zhang San' } });
    expect(sm3(stored ?? '')).toBe(onChain?.dataDigest);
    expect(dataDigestOf(invoiceData(), result.checkCode)).toBe(onChain?.dataDigest);
  });

  it('refuses users who may not issue before touching storage or the ledger', async () => {
    const { chaincode, offchain, service } = setup();
    await expect(service.issueInvoice(officer, data, PDF)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(offchain.files.docs.size).toBe(0);
    expect(chaincode.committed).toEqual([]);
  });

  it('needs an issuing unit from the data or the user', async () => {
    const { service } = setup();
    const noUnit: User = { ...clerk, unit: undefined };
    await expect(service.issueInvoice(noUnit, data, PDF)).rejects.toMatchObject({ code: 'VALIDATION' });
    const { result } = await service.issueInvoice(noUnit, { ...data, issuingUnit: 'Unit A' }, PDF);
    expect(result.status).toBe('ISSUED');
  });

  it('still answers with the check code when the off-chain record cannot be saved, and logs it', async () => {
    const { offchain, service, logged } = setup();
    offchain.records.failUpserts = 5;
    const { result } = await service.issueInvoice(clerk, data, PDF);
    expect(result.checkCode).toHaveLength(6);
    expect(offchain.records.upserts).toBe(3);
    expect(logged).toContain('invoice on chain but its off-chain record was not saved');
  });

  it('answers IDEMPOTENCY_KEY_REUSED for a key held by another request, CONFLICT while the same one runs', async () => {
    const { offchain, service } = setup();
    await offchain.idempotency.begin('clerk1', 'key-held-elsewhere', 'hash-of-another-request');
    await expect(service.issueInvoice(clerk, data, PDF, 'key-held-elsewhere')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });

    await service.issueInvoice(clerk, data, PDF, 'key-running');
    const row = offchain.idempotency.rows.get('clerk1\u0000key-running');
    if (!row) throw new Error('no row');
    row.state = 'pending'; // as if the first request were still running
    await expect(service.issueInvoice(clerk, data, PDF, 'key-running')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('InvoiceService.downloadPdf', () => {
  it('returns the original bytes, checked against the on-chain digest', async () => {
    const { service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    const bytes = await service.downloadPdf(officer, '31010125', '0000000001', result.checkCode);
    expect(Buffer.from(bytes).equals(PDF)).toBe(true);
  });

  it('answers NOT_FOUND when this platform holds no record, or the document was erased', async () => {
    const { offchain, service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    const record = offchain.records.rows.get('31010125/0000000001');
    if (!record) throw new Error('no record');
    await offchain.files.destroyDocument(record.pdf.keyId);
    await expect(service.downloadPdf(officer, '31010125', '0000000001', result.checkCode)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    offchain.records.rows.clear();
    await expect(service.downloadPdf(officer, '31010125', '0000000001', result.checkCode)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses to serve a stored PDF that does not match the ledger', async () => {
    const { offchain, service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    const record = offchain.records.rows.get('31010125/0000000001');
    const doc = record ? offchain.files.docs.get(record.pdf.cid) : undefined;
    if (!doc) throw new Error('no doc');
    doc.bytes = Buffer.from('%PDF-1.7 forged');
    await expect(service.downloadPdf(officer, '31010125', '0000000001', result.checkCode)).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });
});
