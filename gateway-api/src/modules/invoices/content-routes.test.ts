import request from 'supertest';
import { z } from 'zod';
import { harness, invoiceData, PDF, type Harness } from '../../../test/harness';
import { API, errorBody, issue } from '../../../test/api';
import { invoiceContentResponseSchema } from './schemas';

jest.setTimeout(30_000);

const BASE = `${API}/invoices/31010125/0000000001`;

/** The test invoice with one more item, its amounts adjusted to match. */
function corrected(): Record<string, unknown> {
  return invoiceData({
    items: [
      { name: 'Consultation', quantity: 1, unitPrice: 2500, amount: 2500 },
      { name: 'Blood test', quantity: 2, unitPrice: 3750, amount: 7500 },
      { name: 'X-ray', quantity: 1, unitPrice: 5000, amount: 5000 },
    ],
    totalAmount: 15000,
    payment: { medicalInsuranceFund: 9000, personalAccount: 1000, otherFund: 0, selfPay: 5000 },
    reimbursableAmount: 12000,
    visit: { department: 'Radiology', visitDate: '2025-03-01', medicalRecordNumber: 'MR-0042' },
  });
}

async function issued(): Promise<{ h: Harness; clerk: string }> {
  const h = await harness();
  const clerk = await h.login('clerk1');
  expect((await issue(h, clerk)).status).toBe(201);
  return { h, clerk };
}

const content = (h: Harness, token: string | undefined, path = `${BASE}/content`) =>
  request(h.app)
    .get(path)
    .set('Authorization', `Bearer ${token ?? ''}`);

const failure = (res: request.Response) => ({ status: res.status, ...errorBody.parse(res.body) });

describe('GET /invoices/{code}/{number}/content', () => {
  it('answers the data of the current revision after an update, never to be cached', async () => {
    const { h, clerk } = await issued();
    const before = invoiceContentResponseSchema.parse((await content(h, clerk)).body);
    expect(before).toMatchObject({ revision: 1, invoice: invoiceData() });

    const update = await request(h.app)
      .post(`${BASE}/update`)
      .set('Authorization', `Bearer ${clerk}`)
      .field('invoice', JSON.stringify(corrected()))
      .attach('pdf', PDF, { filename: 'corrected.pdf', contentType: 'application/pdf' });
    expect(update.status).toBe(200);

    const res = await content(h, clerk);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const onChain = h.chaincode.invoice('31010125', '0000000001');
    expect(invoiceContentResponseSchema.parse(res.body)).toEqual({
      code: '31010125',
      number: '0000000001',
      revision: 2,
      dataDigest: onChain?.dataDigest,
      invoice: corrected(),
    });
  });

  it('answers 400 naming a malformed code or number, and 401 without a valid token', async () => {
    const { h, clerk } = await issued();
    const badCode = await content(h, clerk, `${API}/invoices/3101012X/0000000001/content`);
    expect(failure(badCode)).toEqual({ status: 400, code: 'VALIDATION', message: 'code: must be 8 digits' });
    const badNumber = await content(h, clerk, `${API}/invoices/31010125/42/content`);
    expect(failure(badNumber)).toEqual({ status: 400, code: 'VALIDATION', message: 'number: must be 10 digits' });
    expect((await content(h, undefined)).status).toBe(401);
    expect((await content(h, 'not-a-token')).status).toBe(401);
  });

  it('refuses payers, a clerk of a non-hospital org and the clerks of another hospital (403)', async () => {
    const { h } = await issued();
    for (const user of ['clerk2', 'medclerk', 'medins1', 'insurer1', 'hcsupervisor']) {
      const res = await content(h, await h.login(user));
      expect({ user, status: res.status, code: errorBody.parse(res.body).code }).toEqual({
        user,
        status: 403,
        code: 'FORBIDDEN',
      });
      expect(JSON.stringify(res.body)).not.toContain('Zhang San');
    }
  });

  it('answers 404 INVOICE_NOT_FOUND for an unknown invoice', async () => {
    const { h, clerk } = await issued();
    const res = await content(h, clerk, `${API}/invoices/31010125/0000000404/content`);
    expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({
      status: 404,
      code: 'INVOICE_NOT_FOUND',
    });
  });

  it("answers 409 INVOICE_STATE_CONFLICT for a red invoice, and the red-flushed original's data", async () => {
    const { h, clerk } = await issued();
    const red = { code: '31010126', number: '0000000001', reason: 'Wrong department charged' };
    const flushed = await request(h.app)
      .post(`${BASE}/red-flush`)
      .set('Authorization', `Bearer ${clerk}`)
      .field('red', JSON.stringify(red))
      .attach('pdf', PDF, { filename: 'red.pdf', contentType: 'application/pdf' });
    expect(flushed.status).toBe(201);
    const res = await content(h, clerk, `${API}/invoices/31010126/0000000001/content`);
    expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({
      status: 409,
      code: 'INVOICE_STATE_CONFLICT',
    });
    const original = await content(h, clerk);
    expect(original.status).toBe(200);
    expect(invoiceContentResponseSchema.parse(original.body).invoice).toEqual(invoiceData());
  });

  it('answers 409 CONTENT_DIGEST_MISMATCH, never the data, when the stored copy was changed', async () => {
    const { h, clerk } = await issued();
    const record = h.offchain.records.rows.get('31010125/0000000001');
    const doc = record ? h.offchain.files.docs.get(record.data.cid) : undefined;
    if (!doc) throw new Error('no stored data');
    doc.bytes = Buffer.from(doc.bytes.toString('utf8').replace('Zhang San', 'Li Si'), 'utf8');
    const res = await content(h, clerk);
    expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({
      status: 409,
      code: 'CONTENT_DIGEST_MISMATCH',
    });
    expect(JSON.stringify(res.body)).not.toContain('Li Si');
  });

  it('answers 503 STORAGE_UNAVAILABLE when the off-chain store cannot be reached', async () => {
    const { h, clerk } = await issued();
    jest
      .spyOn(h.offchain.files, 'getDocument')
      .mockRejectedValue(Object.assign(new Error('ipfs is down'), { code: 'BLOB_STORE_UNAVAILABLE' }));
    const res = await content(h, clerk);
    expect({ status: res.status, code: errorBody.parse(res.body).code }).toEqual({
      status: 503,
      code: 'STORAGE_UNAVAILABLE',
    });
  });

  it('is documented with its response schema and error statuses', async () => {
    const { h } = await issued();
    const doc = await request(h.app).get(`${API}/openapi.json`).expect(200);
    const operation = z
      .object({
        operationId: z.string(),
        security: z.array(z.record(z.string(), z.unknown())),
        responses: z.record(z.string(), z.unknown()),
      })
      .parse(
        z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) }).parse(doc.body).paths[
          `${API}/invoices/{code}/{number}/content`
        ]?.['get'],
      );
    expect(operation.operationId).toBe('readInvoiceContent');
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '429',
      '500',
      '503',
    ]);
    expect(JSON.stringify(operation.responses['200'])).toContain('#/components/schemas/InvoiceContent');
  });
});
