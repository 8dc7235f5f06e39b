/**
 * Updating an invoice (修改) against the running consortium, FerretDB and Kubo: the issuer
 * corrects it and the payer's PDF download returns the corrected PDF; the issuer reads the corrected
 * content back, which another hospital's clerk may not; another hospital's clerk is refused the
 * update; after a payer's lock the update is refused and nothing changes.
 */
import { createHash } from 'node:crypto';
import { API_URL, call, invoiceData, issueViaApi, login, newInvoiceId, samplePdf, type Json } from './stack';

jest.setTimeout(180_000);

type Id = { code: string; number: string };
const sm3 = (bytes: Uint8Array) => createHash('sm3').update(bytes).digest('hex');

async function issued(clerk: string): Promise<Id & { checkCode: string }> {
  const id = newInvoiceId();
  const res = await issueViaApi(clerk, invoiceData(id), samplePdf(`${id.code}-${id.number}`));
  const body = (await res.json()) as Json;
  expect({ status: res.status, body }).toMatchObject({ status: 201 });
  return { ...id, checkCode: String(body['checkCode']) };
}

/** The issued data with 1.00 CNY moved from self-pay to the medical-insurance fund. */
function corrected(id: Id): Json {
  const data = invoiceData(id);
  const payment = data['payment'] as Record<string, number>;
  return {
    ...data,
    payment: { ...payment, medicalInsuranceFund: 8100, selfPay: (payment['selfPay'] ?? 0) - 100 },
  };
}

async function update(token: string, id: Id, pdf: Buffer, key?: string): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  form.set('invoice', JSON.stringify(corrected(id)));
  form.set('pdf', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'corrected.pdf');
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (key !== undefined) headers['idempotency-key'] = key;
  const res = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/update`, {
    method: 'POST',
    headers,
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function read(token: string, id: Id): Promise<Json> {
  const res = await fetch(`${API_URL}/invoices/${id.code}/${id.number}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

async function content(token: string, id: Id): Promise<{ status: number; cache: string | null; body: Json }> {
  const res = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/content`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, cache: res.headers.get('cache-control'), body: (await res.json()) as Json };
}

describe('invoice update', () => {
  let clerk: string;
  let otherClerk: string;
  let medins: string;

  beforeAll(async () => {
    [clerk, otherClerk, medins] = await Promise.all([login('h1.clerk'), login('h2.clerk'), login('medins.officer')]);
  });

  test('the issuer updates: new content on chain, same check code, the payer downloads the corrected PDF', async () => {
    const id = await issued(clerk);
    const pdf = samplePdf(`${id.code}-${id.number}-corrected`);
    const key = `int-update-${id.code}-${id.number}`;
    const res = await update(clerk, id, pdf, key);
    expect(res.status).toBe(200);
    expect(res.body['invoice']).toMatchObject({
      revision: 2,
      pdfDigest: sm3(pdf),
      payment: { medicalInsuranceFund: 8100 },
      lastOperation: { operation: 'UPDATE', actor: 'h1.clerk', mspId: 'Hospital1MSP' },
    });
    const again = await update(clerk, id, pdf, key);
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: res.body });
    expect(await read(medins, id)).toMatchObject({ revision: 2 });

    const download = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/pdf?checkCode=${id.checkCode}`, {
      headers: { authorization: `Bearer ${medins}` },
    });
    expect(download.status).toBe(200);
    expect(sm3(Buffer.from(await download.arrayBuffer()))).toBe(sm3(pdf));
    const history = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/history`, {
      headers: { authorization: `Bearer ${medins}` },
    });
    const entries = (await history.json()) as { value: { lastOperation: { operation: string } } }[];
    expect(entries.map((entry) => entry.value.lastOperation.operation)).toEqual(['ISSUE', 'UPDATE']);
  });

  test('the issuer reads the content as updated, checked against the chain; another hospital is refused it', async () => {
    const id = await issued(clerk);
    const before = await content(clerk, id);
    expect(before).toMatchObject({ status: 200, body: { revision: 1, invoice: invoiceData(id) } });
    const res = await update(clerk, id, samplePdf(`${id.code}-${id.number}-content`));
    expect(res.status).toBe(200);
    const after = await content(clerk, id);
    expect(after).toEqual({
      status: 200,
      cache: 'no-store',
      body: {
        code: id.code,
        number: id.number,
        revision: 2,
        dataDigest: (await read(clerk, id))['dataDigest'],
        invoice: corrected(id),
      },
    });
    for (const token of [otherClerk, medins]) {
      const refused = await content(token, id);
      expect({ status: refused.status, code: refused.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    }
  });

  test("another hospital's clerk is refused and the invoice is unchanged", async () => {
    const id = await issued(clerk);
    const res = await update(otherClerk, id, samplePdf('not mine'));
    expect({ status: res.status, code: res.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await read(clerk, id)).toMatchObject({ revision: 1 });
  });

  test('refused once a payer locked an amount, even after the lock is released', async () => {
    const id = await issued(clerk);
    const post = (path: string, body: Json) => call(medins, 'POST', `/invoices/${id.code}/${id.number}${path}`, body);
    expect((await post('/locks', { claimId: 'MI-UPD-1', amount: 1_000, ttlSeconds: 3_600 })).status).toBe(200);
    const locked = await update(clerk, id, samplePdf('after lock'));
    expect({ status: locked.status, code: locked.body['code'] }).toEqual({
      status: 409,
      code: 'INVOICE_STATE_CONFLICT',
    });
    expect((await post('/locks/MI-UPD-1/unlock', { reason: 'claim refused' })).status).toBe(200);
    const released = await update(clerk, id, samplePdf('after unlock'));
    expect({ status: released.status, code: released.body['code'] }).toEqual({
      status: 409,
      code: 'INVOICE_STATE_CONFLICT',
    });
    expect(await read(clerk, id)).toMatchObject({ revision: 3, status: 'ISSUED' });
  });
});
