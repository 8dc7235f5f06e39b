import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { CLERK as clerk, serviceSetup as setup } from '../../../test/invoice-service';
import { ISSUER_SECRET, invoiceData, PDF, TEST_ITERATIONS } from '../../../test/harness';
import type { User } from '../auth/roles';
import { invoiceDataSchema } from './schemas';
import { deriveCheckCodeHash } from './check-code';
import { CheckCodeDerivations } from './check-code-cache';
import { dataDigestOf, type IssueOutcome } from './service';

const sm3 = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');
const officer: User = {
  username: 'officer',
  displayName: 'Officer',
  mspId: 'MedInsMSP',
  role: 'reimbursement_officer',
};

const data = invoiceDataSchema.parse(invoiceData());

/** The outcome of an issue that landed on chain. */
function done(outcome: IssueOutcome): Extract<IssueOutcome, { kind: 'done' }> {
  if (outcome.kind !== 'done') throw new Error(`expected an issued invoice, got ${outcome.kind}`);
  return outcome;
}

/** Every string and byte sequence a stored row holds, as one text. */
function storedText(row: Record<string, unknown> | undefined): string {
  return Object.values(row ?? {})
    .map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : JSON.stringify(value)))
    .join('\n');
}

describe('InvoiceService.issueInvoice', () => {
  it('anchors the pseudonym and digests, keeps personal data and the check code off chain, encrypted', async () => {
    const { chaincode, offchain, service } = setup();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    const onChain = chaincode.invoice('31010125', '0000000001');
    expect(onChain?.payerPseudonym).toBe(createHmac('sm3', ISSUER_SECRET).update('31011519800101123X').digest('hex'));
    expect(onChain?.pdfDigest).toBe(sm3(PDF));

    const stored = offchain.files.byDocId(/^invoice\/31010125\/0000000001\/[0-9a-f-]{36}\/data$/);
    expect(stored).toBeDefined();
    const storedJson: unknown = JSON.parse(stored?.toString('utf8') ?? 'null');
    expect(storedJson).toMatchObject({ checkCode: result.checkCode, payer: { name: 'Zhang San' } });
    expect(sm3(stored ?? '')).toBe(onChain?.dataDigest);
    expect(dataDigestOf(invoiceData(), result.checkCode)).toBe(onChain?.dataDigest);
  });

  it('anchors the check code as PBKDF2-HMAC-SM3 with a fresh salt per invoice, never as a plain SM3', async () => {
    const { chaincode, service } = setup();
    const first = done(await service.issueInvoice(clerk, data, PDF));
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
    const { result } = done(await service.issueInvoice({ ...clerk, unit: 'Some other name' }, data, PDF));
    expect(result.issuingUnit).toBe('Qingpu District Central Hospital');
    expect(offchain.records.rows.get('31010125/0000000001')?.issuingUnit).toBe('Qingpu District Central Hospital');
  });

  it('refuses users who may not issue before touching storage or the ledger', async () => {
    const { chaincode, offchain, service } = setup();
    await expect(service.issueInvoice(officer, data, PDF)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(offchain.files.docs.size).toBe(0);
    expect(chaincode.committed).toEqual([]);
  });

  it("stores nothing when the code is not allocated to the clerk's hospital (403 CODE_NOT_ALLOCATED)", async () => {
    const { chaincode, offchain, service } = setup();
    const clerk2: User = { ...clerk, username: 'clerk2', mspId: 'Hospital2MSP' };
    await expect(service.issueInvoice(clerk2, data, PDF)).rejects.toMatchObject({
      code: 'CODE_NOT_ALLOCATED',
      status: 403,
    });
    expect(chaincode.committed).toEqual([]);
    expect(offchain.files.docs.size).toBe(0);
    expect(offchain.issuances.rows.size).toBe(0);
  });

  it('stores nothing for an invoice already on chain, and answers a different request for it 409', async () => {
    const { offchain, service } = setup();
    await service.issueInvoice(clerk, data, PDF);
    const docs = offchain.files.docs.size;
    await expect(
      service.issueInvoice(clerk, { ...data, totalAmount: data.totalAmount }, Buffer.concat([PDF, Buffer.from('x')])),
    ).rejects.toMatchObject({
      code: 'INVOICE_EXISTS',
    });
    offchain.issuances.rows.clear(); // as for an invoice issued elsewhere: the ledger's answer decides
    await expect(service.issueInvoice(clerk, data, PDF)).rejects.toMatchObject({ code: 'INVOICE_EXISTS' });
    expect(offchain.files.docs.size).toBe(docs);
  });

  it('discards (shreds and unpins) the documents when the ledger refuses after they were stored', async () => {
    const { chaincode, offchain, service } = setup();
    // The prechecks pass; another issue of the same invoice lands in between.
    const original = chaincode.run.bind(chaincode);
    let raced = false;
    chaincode.run = async (mspId, contract, name, args, txId) => {
      if (name === 'Issue' && !raced) {
        raced = true;
        // The same invoice with another PDF (its content address differs in the last character).
        const other = args[0]!.replace(
          /("pdfCid":"[a-z2-7]+)([a-z2-7])"/,
          (_, head: string, last: string) => `${head}${last === 'a' ? 'b' : 'a'}"`,
        );
        await original(mspId, contract, name, [other], 'other-tx');
      }
      return original(mspId, contract, name, args, txId);
    };
    await expect(service.issueInvoice(clerk, data, PDF, 'refused-key')).rejects.toMatchObject({
      code: 'INVOICE_EXISTS',
    });
    expect(offchain.files.destroyed.size).toBe(2);
    expect(offchain.files.unpinned.size).toBe(2);
    expect(offchain.issuances.rows.size).toBe(0);
    expect(offchain.idempotencyRecords.row('clerk1', 'refused-key')).toBeUndefined();
  });

  it('still answers with the check code when the off-chain record cannot be saved; the worker saves it later', async () => {
    const { offchain, service, logged, recoverAfter } = setup();
    offchain.records.failUpserts = 1;
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    expect(result.checkCode).toHaveLength(6);
    expect(logged).toContain('invoice on chain, its off-chain record not saved yet');
    expect(offchain.records.rows.size).toBe(0);
    expect(offchain.issuances.rows.get('31010125/0000000001')?.state).toBe('RECORDING');
    expect(await recoverAfter(5_000)).toBe(1);
    expect(offchain.records.rows.get('31010125/0000000001')?.txId).toBe(result.txId);
    expect(offchain.issuances.rows.get('31010125/0000000001')?.state).toBe('DONE');
  });

  it('answers IDEMPOTENCY_KEY_REUSED for a key held by another request; a repeat while the key is pending gets the issuance', async () => {
    const { offchain, service } = setup();
    await offchain.idempotency.begin('clerk1', 'key-held-elsewhere', 'hash-of-another-request');
    await expect(service.issueInvoice(clerk, data, PDF, 'key-held-elsewhere')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });

    await service.issueInvoice(clerk, data, PDF, 'key-running');
    const row = offchain.idempotencyRecords.row('clerk1', 'key-running');
    if (!row) throw new Error('no row');
    row['state'] = 'pending'; // as if the first request were still answering
    row['lockedAt'] = new Date();
    const repeat = await service.issueInvoice(clerk, data, PDF, 'key-running');
    expect(repeat).toMatchObject({ kind: 'done', replayed: true, result: { status: 'ISSUED' } });
  });

  it('stores the replay of an issue sealed: the idempotency record holds no check code, the replay does', async () => {
    const { offchain, service } = setup();
    const first = done(await service.issueInvoice(clerk, data, PDF, 'issue-key-0001'));
    const row = offchain.idempotencyRecords.row('clerk1', 'issue-key-0001');
    expect(row).toMatchObject({ state: 'done', statusCode: 201 });
    const text = storedText(row);
    expect(text).not.toContain(first.result.checkCode);
    expect(text).not.toContain('checkCode');
    expect(text).not.toContain(first.result.txId);

    const replay = await service.issueInvoice(clerk, data, PDF, 'issue-key-0001');
    expect(replay).toEqual({ kind: 'done', result: first.result, replayed: true });
  });
});

describe('InvoiceService.verifyInvoice', () => {
  /** The service with a count of the check-code derivations it runs. */
  function counted() {
    const runs = { count: 0 };
    const derivations = new CheckCodeDerivations(100, async (...args) => {
      runs.count += 1;
      return deriveCheckCodeHash(...args);
    });
    return { runs, ...setup({ derivations }) };
  }

  it('checks a first guess against the check code anchored in the data, with one ledger read, recording nothing when right', async () => {
    const { chaincode, offchain, runs, service } = counted();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    chaincode.evaluated.length = 0;
    const id = { code: '31010125', number: '0000000001', checkCode: result.checkCode };
    const verdict = await service.verifyInvoice(officer, { ...id, pdf: PDF });
    expect(verdict).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
    expect(chaincode.evaluated).toEqual(['Read']);
    expect(offchain.checkCodeFailures.rows).toEqual([]);
    expect(runs.count).toBe(0);
    // The verdict on that read compares the supplied digests as the chaincode would.
    const other = done(await service.issueInvoice(clerk, { ...data, number: '0000000002' }, PDF)).result;
    const altered = Buffer.concat([PDF, Buffer.from('%')]);
    const tampered = await service.verifyInvoice(officer, { ...other, pdf: altered });
    expect(tampered).toEqual({ result: 'tampered', status: 'ISSUED', mismatches: ['pdfDigest'] });
    const onChain = await service.verifyInvoice(officer, { ...other, pdf: altered });
    expect(onChain).toEqual(tampered);
    expect(chaincode.evaluated.slice(-1)).toEqual(['Verify']);
  });

  it('answers a guess unlike the anchored check code as wrong, without a derivation or the chaincode', async () => {
    const { chaincode, offchain, runs, service } = counted();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    chaincode.evaluated.length = 0;
    const wrong = result.checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    const input = { code: '31010125', number: '0000000001', checkCode: wrong };
    await expect(service.verifyInvoice(officer, input)).resolves.toEqual({ result: 'unknown', mismatches: [] });
    expect(chaincode.evaluated).toEqual(['Read']);
    expect(runs.count).toBe(0);
    expect(offchain.checkCodeFailures.rows).toEqual([expect.objectContaining({ outcome: 'wrong_check_code' })]);
  });

  it('derives the hash when the anchored data is not held here or is not the copy on chain', async () => {
    const { chaincode, offchain, runs, service, logged } = counted();
    const first = done(await service.issueInvoice(clerk, data, PDF)).result;
    const second = done(await service.issueInvoice(clerk, { ...data, number: '0000000002' }, PDF)).result;
    offchain.records.rows.delete('31010125/0000000001');
    const copy = [...offchain.files.docs.values()].find((doc) => doc.docId.startsWith('invoice/31010125/0000000002/'));
    if (copy?.docId.endsWith('/data') !== true) throw new Error('no data document of the second invoice');
    copy.bytes = Buffer.from(copy.bytes.toString('utf8').replace(second.checkCode, 'ZZZZZZ'));
    chaincode.evaluated.length = 0;
    for (const { number, checkCode } of [first, second]) {
      const verdict = await service.verifyInvoice(officer, { code: '31010125', number, checkCode });
      expect(verdict).toMatchObject({ result: 'authentic' });
    }
    expect(runs.count).toBe(2);
    expect(chaincode.evaluated).toEqual(['Read', 'Verify', 'Read', 'Verify']);
    expect(logged).toEqual(['the anchored check code is unreadable; deriving the hash instead']);
  });

  it('verifies a confirmed check code again without writing an attempt, and without a derivation', async () => {
    const { chaincode, offchain, service } = setup();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    const input = { code: '31010125', number: '0000000001', checkCode: result.checkCode };
    await expect(service.verifyInvoice(officer, input)).resolves.toMatchObject({ result: 'authentic' });
    chaincode.evaluated.length = 0;
    offchain.checkCodeFailures.failBegins = 1;
    await expect(service.verifyInvoice(officer, input)).resolves.toMatchObject({ result: 'authentic' });
    expect(offchain.checkCodeFailures.failBegins).toBe(1);
    expect(chaincode.evaluated).toEqual(['Verify']);
    // A wrong check code still needs a recorded attempt: without the database it is not checked.
    await expect(service.verifyInvoice(officer, { ...input, checkCode: 'ZZZZZZ' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
  });

  it('records a wrong check code and an unknown invoice as failed guesses, with user, org and invoice', async () => {
    const { offchain, service } = setup();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
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
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    const bytes = await service.downloadPdf(officer, '31010125', '0000000001', result.checkCode);
    expect(Buffer.from(bytes).equals(PDF)).toBe(true);
  });

  it('reads the invoice from the ledger once on a first download, and once on a later one', async () => {
    const { chaincode, service } = setup();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    const reads = () => chaincode.evaluated.filter((name) => name === 'Read').length;
    chaincode.evaluated.length = 0;
    await service.downloadPdf(officer, '31010125', '0000000001', result.checkCode);
    expect(reads()).toBe(1);
    chaincode.evaluated.length = 0;
    await service.downloadPdf(officer, '31010125', '0000000001', result.checkCode);
    expect(reads()).toBe(1);
  });

  it('answers NOT_FOUND when this platform holds no record, or the document was erased', async () => {
    const { offchain, service } = setup();
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
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
    const { result } = done(await service.issueInvoice(clerk, data, PDF));
    const record = offchain.records.rows.get('31010125/0000000001');
    const doc = record ? offchain.files.docs.get(record.pdf.cid) : undefined;
    if (!doc) throw new Error('no doc');
    doc.bytes = Buffer.from('%PDF-1.7 forged');
    await expect(service.downloadPdf(officer, '31010125', '0000000001', result.checkCode)).rejects.toMatchObject({
      code: 'CONTENT_DIGEST_MISMATCH',
      status: 409,
    });
  });
});
