import { sm3Hex } from '@hdt/offchain-store';
import { CLERK as clerk, serviceSetup as setup } from '../../../test/invoice-service';
import { invoiceData, PDF } from '../../../test/harness';
import type { User } from '../auth/roles';
import { invoiceDataSchema } from './schemas';

const data = invoiceDataSchema.parse(invoiceData());
const officer: User = {
  username: 'officer',
  displayName: 'Officer',
  mspId: 'MedInsMSP',
  role: 'reimbursement_officer',
};
const clerk2: User = { ...clerk, username: 'clerk2', mspId: 'Hospital2MSP', unit: 'Another hospital' };

/** A service with the test invoice 31010125/0000000001 issued by Hospital1's clerk. */
async function issued() {
  const setup_ = setup();
  const outcome = await setup_.service.issueInvoice(clerk, data, PDF);
  if (outcome.kind !== 'done') throw new Error(`expected an issued invoice, got ${outcome.kind}`);
  const record = setup_.offchain.records.rows.get('31010125/0000000001');
  if (!record) throw new Error('no record');
  return { ...setup_, record };
}

describe('InvoiceService.content', () => {
  it('answers the structured data as issued, without the check code, with the revision and digest on chain', async () => {
    const { chaincode, service } = await issued();
    const content = await service.content(clerk, '31010125', '0000000001');
    expect(content).toEqual({
      code: '31010125',
      number: '0000000001',
      revision: 1,
      dataDigest: chaincode.invoice('31010125', '0000000001')?.dataDigest,
      invoice: data,
    });
    expect(JSON.stringify(content)).not.toContain('checkCode');
  });

  it('refuses reimbursement officers and the clerks of another hospital (FORBIDDEN), reading no document', async () => {
    const { offchain, service } = await issued();
    const reads = jest.spyOn(offchain.files, 'getDocument');
    for (const user of [officer, clerk2, { ...officer, role: 'billing_clerk' as const }]) {
      await expect(service.content(user, '31010125', '0000000001')).rejects.toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(reads).not.toHaveBeenCalled();
  });

  it('answers INVOICE_NOT_FOUND (404) for an invoice not on chain', async () => {
    const { service } = await issued();
    await expect(service.content(clerk, '31010125', '0000000404')).rejects.toMatchObject({
      code: 'INVOICE_NOT_FOUND',
      status: 404,
    });
  });

  it('never serves a stored copy whose SM3 is not the digest on chain (409 CONTENT_DIGEST_MISMATCH)', async () => {
    const { offchain, record, service } = await issued();
    const doc = offchain.files.docs.get(record.data.cid);
    if (!doc) throw new Error('no document');
    const text = doc.bytes.toString('utf8');
    expect(text).toContain('"reimbursableAmount":8000');
    doc.bytes = Buffer.from(text.replace('"reimbursableAmount":8000', '"reimbursableAmount":10000'), 'utf8');
    await expect(service.content(clerk, '31010125', '0000000001')).rejects.toMatchObject({
      code: 'CONTENT_DIGEST_MISMATCH',
      status: 409,
      message: expect.stringContaining('does not have the SM3 digest on chain') as unknown,
    });
  });

  it('refuses a record pointing at other content than the ledger (409), and answers NOT_FOUND without one', async () => {
    const { offchain, record, service } = await issued();
    offchain.records.rows.set('31010125/0000000001', { ...record, data: record.pdf });
    await expect(service.content(clerk, '31010125', '0000000001')).rejects.toMatchObject({
      code: 'CONTENT_DIGEST_MISMATCH',
    });
    offchain.records.rows.clear();
    await expect(service.content(clerk, '31010125', '0000000001')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers STORAGE_UNAVAILABLE (503) when the off-chain store cannot be reached', async () => {
    const { offchain, service } = await issued();
    jest
      .spyOn(offchain.files, 'getDocument')
      .mockRejectedValue(Object.assign(new Error('ipfs is down'), { code: 'BLOB_STORE_UNAVAILABLE' }));
    await expect(service.content(clerk, '31010125', '0000000001')).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      status: 503,
    });
  });

  it('refuses stored data that is not invoice data (INTERNAL), even when the ledger anchors its digest', async () => {
    const { chaincode, offchain, record, service } = await issued();
    const doc = offchain.files.docs.get(record.data.cid);
    const onChain = chaincode.invoice('31010125', '0000000001');
    if (!doc || !onChain) throw new Error('not issued');
    doc.bytes = Buffer.from(JSON.stringify({ checkCode: 'ABC123', code: '31010125' }), 'utf8');
    chaincode.overwrite('31010125', '0000000001', { ...onChain, dataDigest: sm3Hex(doc.bytes) });
    await expect(service.content(clerk, '31010125', '0000000001')).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'stored structured data is not invoice data',
    });
  });
});
