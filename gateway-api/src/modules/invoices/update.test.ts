import request from 'supertest';
import { harness, invoiceData, type Harness } from '../../../test/harness';
import { abandoned, API, errorBody, issue, lockIssuedInvoice, loseTheCommit, sm3 } from '../../../test/api';
import { lifecycleResponseSchema } from './lifecycle-routes';

jest.setTimeout(30_000);

const BASE = `${API}/invoices/31010125/0000000001`;
const NEW_PDF = Buffer.from('%PDF-1.7 corrected invoice\n%%EOF\n');

/** The issued invoice's data with a corrected amount split: 100 fen moved from self-pay to the fund. */
function corrected(): Record<string, unknown> {
  const data = invoiceData();
  const payment = data['payment'] as Record<string, number>;
  return {
    ...data,
    payment: {
      ...payment,
      medicalInsuranceFund: (payment['medicalInsuranceFund'] ?? 0) + 100,
      selfPay: (payment['selfPay'] ?? 0) - 100,
    },
  };
}

function update(h: Harness, token: string, data: Record<string, unknown> = corrected(), key?: string) {
  const req = request(h.app).post(`${BASE}/update`).set('Authorization', `Bearer ${token}`);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req
    .field('invoice', JSON.stringify(data))
    .attach('pdf', NEW_PDF, { filename: 'corrected.pdf', contentType: 'application/pdf' });
}

async function issued(): Promise<{ h: Harness; clerk: string; checkCode: string }> {
  const h = await harness();
  const clerk = await h.login('clerk1');
  const res = await issue(h, clerk);
  expect(res.status).toBe(201);
  return { h, clerk, checkCode: (res.body as { checkCode: string }).checkCode };
}

describe('POST /invoices/{code}/{number}/update', () => {
  it('anchors the corrected documents, keeps the check code, and points the record at the new copies', async () => {
    const { h, clerk, checkCode } = await issued();
    const before = structuredClone(h.offchain.records.rows.get('31010125/0000000001'));
    const res = await update(h, clerk);
    expect(res.status).toBe(200);
    const { invoice, txId } = lifecycleResponseSchema.parse(res.body);
    expect(invoice).toMatchObject({ revision: 2, pdfDigest: sm3(NEW_PDF), lastOperation: { operation: 'UPDATE' } });
    const onChain = h.chaincode.invoice('31010125', '0000000001');
    const fund = (corrected()['payment'] as Record<string, number>)['medicalInsuranceFund'];
    expect({ onChain: onChain?.payment.medicalInsuranceFund, answered: invoice.payment.medicalInsuranceFund }).toEqual({
      onChain: fund,
      answered: fund,
    });

    const record = h.offchain.records.rows.get('31010125/0000000001');
    expect(record).toMatchObject({ txId, pdf: { cid: onChain?.pdfCid }, data: { cid: onChain?.dataCid } });
    expect(record?.superseded).toEqual([{ pdf: before?.pdf, data: before?.data, txId: before?.txId }]);

    const pdf = await request(h.app)
      .get(`${BASE}/pdf`)
      .query({ checkCode })
      .set('Authorization', `Bearer ${await h.login('medins1')}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(Buffer.compare(pdf.body as Buffer, NEW_PDF)).toBe(0);
    const recovered = await request(h.app).get(`${BASE}/check-code`).set('Authorization', `Bearer ${clerk}`);
    expect(recovered.body).toMatchObject({ checkCode });
  });

  it("refuses another hospital's clerk and a payer, storing nothing", async () => {
    const { h } = await issued();
    const stored = h.offchain.files.docs.size;
    for (const user of ['clerk2', 'medins1']) {
      const res = await update(h, await h.login(user));
      expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    }
    expect(h.offchain.files.docs.size).toBe(stored);
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(1);
  });

  it('is refused after a lock (409), and the documents stored for it are discarded', async () => {
    const { h, clerk } = await issued();
    await lockIssuedInvoice(h, 100);
    const stored = h.offchain.files.docs.size;
    const res = await update(h, clerk, corrected(), 'update-key-0409');
    expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({
      status: 409,
      code: 'INVOICE_STATE_CONFLICT',
    });
    // Refused: the key is free for a corrected request.
    expect(h.offchain.idempotencyRecords.row('clerk1', 'update-key-0409')).toBeUndefined();
    expect(h.offchain.files.docs.size).toBe(stored);
    expect(h.offchain.records.rows.get('31010125/0000000001')?.superseded).toBeUndefined();
  });

  it('answers a repeated Idempotency-Key with the first result, and 422 when the request differs', async () => {
    const { h, clerk } = await issued();
    const first = await update(h, clerk, corrected(), 'update-key-0001');
    const again = await update(h, clerk, corrected(), 'update-key-0001');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(2);
    const other = await update(h, clerk, { ...corrected(), type: 'INPATIENT' }, 'update-key-0001');
    expect({ status: other.status, code: errorBody.parse(other.body).code }).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('answers a retry whose crashed attempt committed with that update, storing and writing nothing more', async () => {
    const { h, clerk } = await issued();
    loseTheCommit(h);
    expect((await update(h, clerk, corrected(), 'lost-update-0001')).status).toBe(503);
    abandoned(h, 'lost-update-0001');
    const docs = h.offchain.files.docs.size;

    const retried = await update(h, clerk, corrected(), 'lost-update-0001');
    expect(retried.status).toBe(200);
    const { invoice, txId } = lifecycleResponseSchema.parse(retried.body);
    expect(invoice.revision).toBe(2);
    const row = h.offchain.idempotencyRecords.row('clerk1', 'lost-update-0001');
    expect(row?.['attempts']).toHaveLength(3);
    expect(row?.['attempts']).toContain(txId);
    expect(h.chaincode.committed.filter((t) => t === 'Update')).toHaveLength(1);
    expect(h.offchain.files.docs.size).toBe(docs);
  });

  it('refuses data for another invoice, a missing PDF, and an unknown invoice', async () => {
    const { h, clerk } = await issued();
    const wrong = await update(h, clerk, { ...corrected(), number: '0000000002' });
    expect({ status: wrong.status, message: errorBody.parse(wrong.body).message }).toMatchObject({
      status: 400,
      message: expect.stringMatching(/code and number/) as unknown,
    });
    const noPdf = await request(h.app)
      .post(`${BASE}/update`)
      .set('Authorization', `Bearer ${clerk}`)
      .field('invoice', JSON.stringify(corrected()));
    expect(noPdf.status).toBe(400);
    const missing = await request(h.app)
      .post(`${API}/invoices/31010125/0000000404/update`)
      .set('Authorization', `Bearer ${clerk}`)
      .field('invoice', JSON.stringify({ ...corrected(), number: '0000000404' }))
      .attach('pdf', NEW_PDF, { filename: 'c.pdf', contentType: 'application/pdf' });
    expect(missing.status).toBe(404);
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(1);
  });
});
