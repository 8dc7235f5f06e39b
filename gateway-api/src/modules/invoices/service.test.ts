import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { InMemoryContracts, ChaincodeNetwork } from '../../../test/in-memory-fabric';
import { FakeOffchain } from '../../../test/fake-offchain';
import { ISSUER_SECRET, invoiceData, PDF, TEST_ITERATIONS } from '../../../test/harness';
import type { User } from '../auth/roles';
import { FabricInvoiceLedger } from '../../fabric/invoice-ledger';
import { FabricLedgerClient } from '../../fabric/ledger-client';
import { invoiceDataSchema } from './schemas';
import type { Logger } from '../../logger';
import { CheckCodeGuard, DEFAULT_GUESS_LIMITS } from './check-code-guard';
import { dataDigestOf, InvoiceService } from './service';

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
    guard: new CheckCodeGuard(offchain.checkCodeFailures, DEFAULT_GUESS_LIMITS, logger),
    issuerSecret: ISSUER_SECRET,
    checkCodeIterations: TEST_ITERATIONS,
    logger,
  });
  return { chaincode, offchain, service, logged };
}

const data = invoiceDataSchema.parse(invoiceData());

/** Every string and byte sequence a stored row holds, as one text. */
function storedText(row: Record<string, unknown> | undefined): string {
  return Object.values(row ?? {})
    .map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : JSON.stringify(value)))
    .join('\n');
}

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

  it('anchors the check code as PBKDF2-HMAC-SM3 with a fresh salt per invoice, never as a plain SM3', async () => {
    const { chaincode, service } = setup();
    const first = await service.issueInvoice(clerk, data, PDF);
    await service.issueInvoice(clerk, { ...data, number: '0000000002' }, PDF);
    const a = chaincode.invoice('31010125', '0000000001');
    const b = chaincode.invoice('31010125', '0000000002');
    if (!a || !b) throw new Error('not issued');
    expect(a.checkCodeSalt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.checkCodeSalt).not.toBe(b.checkCodeSalt);
    expect(a.checkCodeIterations).toBe(TEST_ITERATIONS);
    const password = `31010125:0000000001:${first.result.checkCode}`;
    const salt = Buffer.from(a.checkCodeSalt, 'hex');
    expect(a.checkCodeHash).toBe(pbkdf2Sync(password, salt, TEST_ITERATIONS, 32, 'sm3').toString('hex'));
    expect(a.checkCodeHash).not.toBe(sm3(password));
    expect(a.lastOperation).toMatchObject({ operation: 'ISSUE', actor: 'clerk1', mspId: 'Hospital1MSP' });
  });

  it("keeps the unit name the registry on the ledger holds, not the clerk's", async () => {
    const { offchain, service } = setup();
    const { result } = await service.issueInvoice({ ...clerk, unit: 'Some other name' }, data, PDF);
    expect(result.issuingUnit).toBe('Qingpu District Central Hospital');
    expect(offchain.records.rows.get('31010125/0000000001')?.issuingUnit).toBe('Qingpu District Central Hospital');
  });

  it('refuses users who may not issue before touching storage or the ledger', async () => {
    const { chaincode, offchain, service } = setup();
    await expect(service.issueInvoice(officer, data, PDF)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(offchain.files.docs.size).toBe(0);
    expect(chaincode.committed).toEqual([]);
  });

  it("shreds the documents when the code is not allocated to the clerk's hospital (403 CODE_NOT_ALLOCATED)", async () => {
    const { chaincode, offchain, service } = setup();
    const clerk2: User = { ...clerk, username: 'clerk2', mspId: 'Hospital2MSP' };
    await expect(service.issueInvoice(clerk2, data, PDF)).rejects.toMatchObject({
      code: 'CODE_NOT_ALLOCATED',
      status: 403,
    });
    expect(chaincode.committed).toEqual([]);
    expect(offchain.files.destroyed.size).toBe(2);
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
    const row = offchain.idempotencyRecords.row('clerk1', 'key-running');
    if (!row) throw new Error('no row');
    row['state'] = 'pending'; // as if the first request were still running
    row['lockedAt'] = new Date();
    await expect(service.issueInvoice(clerk, data, PDF, 'key-running')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('stores the replay of an issue sealed: the idempotency record holds no check code, the replay does', async () => {
    const { offchain, service } = setup();
    const first = await service.issueInvoice(clerk, data, PDF, 'issue-key-0001');
    const row = offchain.idempotencyRecords.row('clerk1', 'issue-key-0001');
    expect(row).toMatchObject({ state: 'done', statusCode: 201 });
    const text = storedText(row);
    expect(text).not.toContain(first.result.checkCode);
    expect(text).not.toContain('checkCode');
    expect(text).not.toContain(first.result.txId);

    const replay = await service.issueInvoice(clerk, data, PDF, 'issue-key-0001');
    expect(replay).toEqual({ result: first.result, replayed: true });
  });
});

describe('InvoiceService.verifyInvoice', () => {
  it('derives the hash from the salt and iterations on chain and asks the chaincode; records nothing when right', async () => {
    const { chaincode, offchain, service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    chaincode.evaluated.length = 0;
    const verdict = await service.verifyInvoice(officer, {
      code: '31010125',
      number: '0000000001',
      checkCode: result.checkCode,
      pdf: PDF,
    });
    expect(verdict).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
    expect(chaincode.evaluated).toEqual(['Read', 'Verify']);
    expect(offchain.checkCodeFailures.rows).toEqual([]);
  });

  it('records a wrong check code and an unknown invoice as failed guesses, with user, org and invoice', async () => {
    const { offchain, service } = setup();
    const { result } = await service.issueInvoice(clerk, data, PDF);
    const wrong = result.checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (const number of ['0000000001', '0000000404']) {
      await expect(service.verifyInvoice(officer, { code: '31010125', number, checkCode: wrong })).resolves.toEqual({
        result: 'unknown',
        mismatches: [],
      });
    }
    expect(offchain.checkCodeFailures.rows).toEqual([
      expect.objectContaining({
        username: 'officer',
        mspId: 'MedInsMSP',
        invoice: '31010125/0000000001',
        via: 'verify',
        outcome: 'wrong_check_code',
      }),
      expect.objectContaining({ invoice: '31010125/0000000404', outcome: 'no_such_invoice' }),
    ]);
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
