import { pbkdf2Sync } from 'node:crypto';
import request from 'supertest';
import { z } from 'zod';
import { harness, HOSPITAL2_CODE, invoiceData, PDF, TEST_ITERATIONS, type Harness } from '../../../test/harness';
import { API, errorBody, issue, issueBody, sm3, verifyBody } from '../../../test/api';
import { CHECK_CODE_ALPHABET } from './service';

describe('POST /invoices', () => {
  it('issues: 201 with a 6-character check code, digests and the tx id', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const res = await issue(h, token);
    expect(res.status).toBe(201);
    const body = issueBody.parse(res.body);
    expect(body.checkCode).toMatch(new RegExp(`^[${CHECK_CODE_ALPHABET}]{6}$`));
    expect(body).toMatchObject({ code: '31010125', number: '0000000001', status: 'ISSUED' });
    expect(body.pdfDigest).toBe(sm3(PDF));
    expect(res.headers['location']).toBe(`${API}/invoices/31010125/0000000001`);

    const onChain = h.chaincode.invoice('31010125', '0000000001');
    if (!onChain) throw new Error('not on chain');
    expect(onChain.lastTxId).toBe(body.txId);
    const salt = Buffer.from(onChain.checkCodeSalt, 'hex');
    const password = `31010125:0000000001:${body.checkCode}`;
    expect(onChain.checkCodeHash).toBe(pbkdf2Sync(password, salt, TEST_ITERATIONS, 32, 'sm3').toString('hex'));
    expect(onChain.issuingUnit).toBe('Qingpu District Central Hospital');
    expect(body.issuingUnit).toBe('Qingpu District Central Hospital');
    expect(onChain.lastOperation).toMatchObject({ operation: 'ISSUE', actor: 'clerk1' });
    expect(onChain.dataDigest).toBe(body.dataDigest);
    // No clear personal data on chain.
    const chainText = JSON.stringify(onChain);
    expect(chainText).not.toContain('Zhang San');
    expect(chainText).not.toContain('31011519800101123X');

    const record = h.offchain.records.rows.get('31010125/0000000001');
    expect(record).toMatchObject({
      txId: body.txId,
      createdBy: 'clerk1',
      issuerMsp: 'Hospital1MSP',
      issuingUnit: 'Qingpu District Central Hospital',
      status: 'ISSUED',
    });
  });

  it("issues for hospital2 under its own codes, with its registered unit name; refuses hospital1's codes (403)", async () => {
    const h = await harness();
    const token = await h.login('clerk2');
    const own = await issue(h, token, invoiceData({ code: HOSPITAL2_CODE }));
    expect(own.status).toBe(201);
    expect(issueBody.parse(own.body).issuingUnit).toBe('Zhujiajiao Community Health Service Centre');
    expect(h.offchain.records.rows.get(`${HOSPITAL2_CODE}/0000000001`)?.issuingUnit).toBe(
      'Zhujiajiao Community Health Service Centre',
    );

    const foreign = await issue(h, token);
    expect(foreign.status).toBe(403);
    expect(errorBody.parse(foreign.body)).toEqual({
      code: 'CODE_NOT_ALLOCATED',
      message: 'invoice code 31010125 is not allocated to Hospital2MSP',
    });
    expect(h.chaincode.committed).toEqual(['Issue']);
  });

  it('refuses an issuing unit in the request as an unknown field (400 naming it)', async () => {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'), invoiceData({ issuingUnit: 'Any Hospital' }));
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body)).toEqual({ code: 'VALIDATION', message: 'issuingUnit: is not a known field' });
    expect(h.chaincode.committed).toEqual([]);
  });

  it('forbids an insurer (403) without calling the ledger', async () => {
    const h = await harness();
    const token = await h.login('insurer1');
    const res = await issue(h, token);
    expect(res.status).toBe(403);
    expect(errorBody.parse(res.body).code).toBe('FORBIDDEN');
    expect(h.chaincode.committed).toEqual([]);
    expect(h.chaincode.evaluated).toEqual([]);
    expect(h.offchain.files.docs.size).toBe(0);
  });

  it('forbids a billing clerk outside a hospital org', async () => {
    const h = await harness();
    const res = await issue(h, await h.login('medclerk'));
    expect(res.status).toBe(403);
    expect(h.chaincode.committed).toEqual([]);
  });

  it.each([
    ['number', invoiceData({ number: '123' })],
    [
      'payment.selfPay',
      invoiceData({ payment: { medicalInsuranceFund: 6000, personalAccount: 1000, otherFund: 0, selfPay: 30.5 } }),
    ],
    [
      'payment',
      invoiceData({ payment: { medicalInsuranceFund: 6000, personalAccount: 1000, otherFund: 0, selfPay: 1 } }),
    ],
    [
      'items[1].amount',
      invoiceData({
        items: [
          { name: 'A', quantity: 1, unitPrice: 1, amount: 10000 },
          { name: 'B', quantity: 1, unitPrice: 1, amount: -1 },
        ],
      }),
    ],
    [
      'items[0].amount',
      invoiceData({
        items: [
          { name: 'A', quantity: 3, unitPrice: 1, amount: 5000 },
          { name: 'B', quantity: 1, unitPrice: 5000, amount: 5000 },
        ],
      }),
    ],
    [
      'items[2].amount',
      invoiceData({
        items: [
          { name: 'A', quantity: 1, unitPrice: 2500, amount: 2500 },
          { name: 'B', quantity: 2, unitPrice: 1250, amount: 2500 },
          { name: 'C', quantity: 3, unitPrice: 1, amount: 5000 },
        ],
      }),
    ],
    [
      'items[0].quantity',
      invoiceData({
        items: [
          { name: 'A', quantity: 0.00001, unitPrice: 2500, amount: 0 },
          { name: 'B', quantity: 1, unitPrice: 10000, amount: 10000 },
        ],
      }),
    ],
    ['items', invoiceData({ items: [{ name: 'A', quantity: 1, unitPrice: 9999, amount: 9999 }] })],
    ['reimbursableAmount', invoiceData({ reimbursableAmount: 10001 })],
    ['payer.idNumber', invoiceData({ payer: { name: 'Zhang San' } })],
    ['type', invoiceData({ type: 'DENTAL' })],
  ])('answers 400 naming %s', async (field, data) => {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'), data);
    expect(res.status).toBe(400);
    const body = errorBody.parse(res.body);
    expect(body.code).toBe('VALIDATION');
    expect(body.message.startsWith(`${field}: `) || body.message.includes(`; ${field}: `)).toBe(true);
    expect(h.chaincode.committed).toEqual([]);
    expect(h.offchain.files.docs.size).toBe(0);
  });

  it('accepts fractional quantities whose amount is quantity × unitPrice rounded to the fen, halves up', async () => {
    const h = await harness();
    const items = [
      { name: 'Herbal granules', quantity: 0.5, unitPrice: 3, amount: 2 },
      { name: 'Ointment', quantity: 1.3333, unitPrice: 300, amount: 400 },
      { name: 'Consultation', quantity: 1, unitPrice: 9598, amount: 9598 },
    ];
    const res = await issue(h, await h.login('clerk1'), invoiceData({ items }));
    expect(res.status).toBe(201);
  });

  it('answers 400 naming pdf when the file is missing', async () => {
    const h = await harness();
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${await h.login('clerk1')}`)
      .field('invoice', JSON.stringify(invoiceData()));
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^pdf: /);
  });

  it('answers 400 naming pdf when the file is not a PDF', async () => {
    const h = await harness();
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${await h.login('clerk1')}`)
      .field('invoice', JSON.stringify(invoiceData()))
      .attach('pdf', Buffer.from('GIF89a not a pdf'), { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^pdf: must be a PDF/);
  });

  it('answers 400 naming the field of an unexpected file part', async () => {
    const h = await harness();
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${await h.login('clerk1')}`)
      .field('invoice', JSON.stringify(invoiceData()))
      .attach('scan', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^scan: /);
  });

  it('answers 400 naming invoice when the part is missing or not JSON', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const missing = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .attach('pdf', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(missing.status).toBe(400);
    expect(errorBody.parse(missing.body).message).toMatch(/^invoice: /);
    const broken = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .field('invoice', '{"code":')
      .attach('pdf', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(broken.status).toBe(400);
    expect(errorBody.parse(broken.body).message).toBe('invoice: malformed JSON');
  });

  it('takes the invoice JSON as a file part too (as browsers send a Blob), refusing one that is not UTF-8', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const asFile = (bytes: Buffer) =>
      request(h.app)
        .post(`${API}/invoices`)
        .set('Authorization', `Bearer ${token}`)
        .attach('invoice', bytes, { filename: 'blob', contentType: 'application/json' })
        .attach('pdf', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect((await asFile(Buffer.from(JSON.stringify(invoiceData())))).status).toBe(201);
    const latin1 = await asFile(
      Buffer.from(JSON.stringify(invoiceData({ number: '0000000002' })).replace('}', '\xe9}'), 'latin1'),
    );
    expect(latin1.status).toBe(400);
    expect(errorBody.parse(latin1.body).message).toBe('invoice: must be JSON text in UTF-8');
  });

  it('rejects unknown keys in the invoice data', async () => {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'), invoiceData({ checkCode: 'ABCDEF' }));
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toContain('checkCode');
  });

  it('replays the first response for a repeated Idempotency-Key and writes once', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const first = await issue(h, token, invoiceData(), 'issue-0001-abcdef');
    const second = await issue(h, token, invoiceData(), 'issue-0001-abcdef');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(h.chaincode.committed).toEqual(['Issue']);
    // The stored replay holds the check code sealed only.
    const row = h.offchain.idempotencyRecords.row('clerk1', 'issue-0001-abcdef');
    expect(JSON.stringify(row)).not.toContain(issueBody.parse(first.body).checkCode);
    expect(
      Buffer.isBuffer(row?.['sealedBody']) && row['sealedBody'].includes(issueBody.parse(first.body).checkCode),
    ).toBe(false);
  });

  it('answers 422 when an Idempotency-Key is reused for a different request', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    expect((await issue(h, token, invoiceData(), 'issue-0002-abcdef')).status).toBe(201);
    const res = await issue(h, token, invoiceData({ number: '0000000002' }), 'issue-0002-abcdef');
    expect(res.status).toBe(422);
    expect(errorBody.parse(res.body).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(h.chaincode.committed).toEqual(['Issue']);
  });

  it('frees the Idempotency-Key after a failure so the request can be retried', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    h.offchain.files.failPut = true;
    const failed = await issue(h, token, invoiceData(), 'issue-0003-abcdef');
    expect(failed.status).toBe(503);
    expect(errorBody.parse(failed.body).code).toBe('STORAGE_UNAVAILABLE');
    h.offchain.files.failPut = false;
    expect((await issue(h, token, invoiceData(), 'issue-0003-abcdef')).status).toBe(201);
  });

  it('answers 400 for a malformed Idempotency-Key', async () => {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'), invoiceData(), 'bad key!');
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^Idempotency-Key: /);
  });

  it('answers a retry (same key and body) with its first result, any other request for the invoice 409, storing nothing', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const first = await issue(h, token, invoiceData(), 'first-key-1');
    expect(first.status).toBe(201);
    expect((await issue(h, token)).status).toBe(409);
    expect((await issue(h, token, invoiceData(), 'another-key-1')).status).toBe(409);
    const again = await issue(h, token, invoiceData(), 'first-key-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const stored = h.offchain.files.docs.size;
    const res = await issue(
      h,
      token,
      invoiceData({ totalAmount: 10000, items: [{ name: 'Other', quantity: 1, unitPrice: 10000, amount: 10000 }] }),
    );
    expect(res.status).toBe(409);
    const body = errorBody.parse(res.body);
    expect(body.code).toBe('INVOICE_EXISTS');
    expect(body.message).toBe('invoice 31010125/0000000001 was already issued');
    expect(h.offchain.files.docs.size).toBe(stored);
  });

  it('accepts an issue the ledger cannot take now (202 PENDING) and lands it exactly once when it can', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    h.chaincode.faults.push(
      { stage: 'endorse', kind: 'unavailable' },
      { stage: 'endorse', kind: 'unavailable' },
      { stage: 'endorse', kind: 'unavailable' },
    );
    const res = await issue(h, token, invoiceData(), 'pending-key-1');
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe('/api/v1/invoices/31010125/0000000001/issuance');
    const accepted = z
      .object({ status: z.literal('PENDING'), attempts: z.literal(1), checkCode: z.string() })
      .parse(res.body);
    expect(accepted.checkCode).toMatch(/^[0-9A-Z]{6}$/);
    expect(h.chaincode.invoice('31010125', '0000000001')).toBeUndefined();
    const pending = await request(h.app)
      .get('/api/v1/invoices/31010125/0000000001/issuance')
      .set('Authorization', `Bearer ${token}`);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ state: 'ANCHORING', attempts: 1, txId: null });
    expect(pendingIssues((await request(h.app).get('/api/v1/health')).body)).toBe(1);
    // The same request again while pending: the same answer, nothing stored twice.
    const docs = h.offchain.files.docs.size;
    const again = await issue(h, token, invoiceData(), 'pending-key-1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(res.body);
    expect(h.offchain.files.docs.size).toBe(docs);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await h.services.issuanceRecovery.round()).toBe(1);
    const landed = h.chaincode.invoice('31010125', '0000000001');
    expect(landed?.status).toBe('ISSUED');
    expect(h.chaincode.committed.filter((name) => name === 'Issue')).toHaveLength(1);
    const done = await issue(h, token, invoiceData(), 'pending-key-1');
    expect(done.status).toBe(201);
    expect(issueBody.parse(done.body)).toMatchObject({ checkCode: accepted.checkCode, status: 'ISSUED' });
    expect(pendingIssues((await request(h.app).get('/api/v1/health')).body)).toBe(0);
  });
});

function pendingIssues(health: unknown): number {
  return z.object({ pendingIssues: z.object({ count: z.number() }) }).parse(health).pendingIssues.count;
}

describe('POST /invoices: free text and dates', () => {
  const payer = (name: string) => invoiceData({ payer: { name, idNumber: '31011519800101123X' } });
  const visit = (fields: Record<string, string>) =>
    invoiceData({ visit: { department: 'Internal Medicine', visitDate: '2025-03-01', ...fields } });
  const itemNamed = (name: string) =>
    invoiceData({
      items: [
        { name: 'Consultation', quantity: 1, unitPrice: 2500, amount: 2500 },
        { name, quantity: 2, unitPrice: 3750, amount: 7500 },
      ],
    });
  const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  it.each([
    ['payer.name', 'NUL', payer('Zhang\u0000San')],
    ['payer.name', 'ESC', payer('Zhang\u001b[2JSan')],
    ['payer.name', 'a C1 control', payer('Zhang\u009bSan')],
    ['payer.name', 'a right-to-left override', payer('Zhang\u202eSan')],
    ['payer.name', 'a left-to-right isolate', payer('\u2066Zhang San\u2069')],
    ['payer.name', 'a lone surrogate', payer('Zhang San\ud800')],
    ['payer.name', 'a bidi pop', payer('Zhang San\u202c')],
    ['items[1].name', 'a line separator', itemNamed('Blood\u2028test')],
    ['visit.department', 'a right-to-left embedding', visit({ department: '\u202bInternal Medicine' })],
    ['visit.medicalRecordNumber', 'a tab', visit({ medicalRecordNumber: 'MR\t001' })],
  ])('answers 400 naming %s holding %s', async (field, _what, data) => {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'), data);
    expect(res.status).toBe(400);
    const body = errorBody.parse(res.body);
    expect(body.code).toBe('VALIDATION');
    expect(body.message).toMatch(new RegExp(`(^|; )${field.replace(/[[\].]/g, '\\$&')}: must not contain `));
    expect(h.chaincode.committed).toEqual([]);
    expect(h.offchain.files.docs.size).toBe(0);
  });

  it('counts characters as code points: a 64-character name of supplementary-plane characters is accepted', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    expect((await issue(h, token, payer('\u{20000}'.repeat(64)))).status).toBe(201);
    const tooLong = await issue(h, token, payer('\u{20000}'.repeat(65)));
    expect(tooLong.status).toBe(400);
    expect(errorBody.parse(tooLong.body).message).toBe('payer.name: must be 1..64 characters long, got 65');
  });

  it('refuses white space at either end of a name, as the chaincode does for its texts', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const res = await issue(h, token, invoiceData({ payer: { name: ' Zhang San', idNumber: '31011519800101123X' } }));
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toBe('payer.name: must not start or end with white space');
  });

  it.each([
    ['visitDate', '0001-01-01'],
    ['visitDate', '1899-12-31'],
    ['visitDate', '9999-12-31'],
    ['visitDate', 'the day after tomorrow'],
    ['visitDate', '2025-02-30'],
    ['dischargeDate', '9999-12-31'],
  ])('answers 400 naming visit.%s for %s', async (field, date) => {
    const h = await harness();
    const data = visit({ [field]: date === 'the day after tomorrow' ? utcDay(2) : date });
    const res = await issue(h, await h.login('clerk1'), data);
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(new RegExp(`(^|; )visit\\.${field}: `));
    expect(h.offchain.files.docs.size).toBe(0);
  });

  it('accepts visit dates from 1900-01-01 to the day after today (UTC)', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const early = visit({ visitDate: '1900-01-01' });
    const late = { ...visit({ visitDate: utcDay(1) }), number: '0000000002' };
    expect((await issue(h, token, early)).status).toBe(201);
    expect((await issue(h, token, late)).status).toBe(201);
  });
});

describe('verify, read, history, pdf', () => {
  async function issued(): Promise<{ h: Harness; token: string; checkCode: string }> {
    const h = await harness();
    const res = await issue(h, await h.login('clerk1'));
    expect(res.status).toBe(201);
    return { h, token: await h.login('insurer1'), checkCode: issueBody.parse(res.body).checkCode };
  }

  it('verifies authentic with the right check code (JSON body, with data)', async () => {
    const { h, token, checkCode } = await issued();
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .send({ code: '31010125', number: '0000000001', checkCode, data: invoiceData() });
    expect(res.status).toBe(200);
    expect(verifyBody.parse(res.body)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
  });

  it('verifies authentic with the original PDF (multipart)', async () => {
    const { h, token, checkCode } = await issued();
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .field('code', '31010125')
      .field('number', '0000000001')
      .field('checkCode', checkCode)
      .field('data', JSON.stringify(invoiceData()))
      .attach('pdf', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(200);
    expect(verifyBody.parse(res.body).result).toBe('authentic');
  });

  it('takes the data to compare as a JSON file part too', async () => {
    const { h, token, checkCode } = await issued();
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .field('code', '31010125')
      .field('number', '0000000001')
      .field('checkCode', checkCode)
      .attach('data', Buffer.from(JSON.stringify(invoiceData())), {
        filename: 'blob',
        contentType: 'application/json',
      });
    expect(res.status).toBe(200);
    expect(verifyBody.parse(res.body)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
  });

  it('reports tampered data and PDF', async () => {
    const { h, token, checkCode } = await issued();
    const altered = Buffer.concat([PDF, Buffer.from('% changed\n')]);
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .field('code', '31010125')
      .field('number', '0000000001')
      .field('checkCode', checkCode)
      .field('data', JSON.stringify(invoiceData({ totalAmount: 1 })))
      .attach('pdf', altered, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(200);
    const body = verifyBody.parse(res.body);
    expect(body.result).toBe('tampered');
    expect(body.mismatches.sort()).toEqual(['dataDigest', 'pdfDigest']);
  });

  it('answers unknown for a wrong check code or a missing invoice', async () => {
    const { h, token, checkCode } = await issued();
    const wrong = checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (const body of [
      { code: '31010125', number: '0000000001', checkCode: wrong },
      { code: '31010125', number: '0000000099', checkCode },
    ]) {
      const res = await request(h.app)
        .post(`${API}/invoices/verify`)
        .set('Authorization', `Bearer ${token}`)
        .send(body);
      expect(res.status).toBe(200);
      expect(verifyBody.parse(res.body)).toEqual({ result: 'unknown', mismatches: [] });
    }
  });

  it('answers 400 naming checkCode for a malformed verify request', async () => {
    const { h, token } = await issued();
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .send({ code: '31010125', number: '0000000001', checkCode: 'abc' });
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^checkCode: /);
  });

  it('answers 400 for malformed JSON bodies', async () => {
    const { h, token } = await issued();
    const res = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"code": ');
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body)).toEqual({ code: 'VALIDATION', message: 'body: malformed JSON' });
  });

  it("reads the on-chain summary and the history, without the check code's salt, iterations or hash", async () => {
    const { h, token } = await issued();
    const read = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001`)
      .set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      code: '31010125',
      number: '0000000001',
      kind: 'BLUE',
      status: 'ISSUED',
      issuerMsp: 'Hospital1MSP',
      issuingUnit: 'Qingpu District Central Hospital',
      linkedInvoice: null,
      locks: [],
      reimbursements: [],
      reimbursedAmount: 0,
      revision: 1,
      lastOperation: { operation: 'ISSUE', actor: 'clerk1', mspId: 'Hospital1MSP' },
    });
    const onChain = h.chaincode.invoice('31010125', '0000000001');
    for (const hidden of ['checkCodeHash', 'checkCodeSalt', 'checkCodeIterations']) {
      expect(read.body).not.toHaveProperty(hidden);
    }
    expect(JSON.stringify(read.body)).not.toContain(onChain?.checkCodeHash);
    expect(JSON.stringify(read.body)).not.toContain(onChain?.checkCodeSalt);
    const history = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001/history`)
      .set('Authorization', `Bearer ${token}`);
    expect(history.status).toBe(200);
    const entries = z
      .array(z.object({ txId: z.string(), value: z.record(z.string(), z.unknown()) }))
      .parse(history.body);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.value).toMatchObject({ status: 'ISSUED', lastOperation: { operation: 'ISSUE' } });
    expect(JSON.stringify(history.body)).not.toContain(onChain?.checkCodeHash);
    expect(JSON.stringify(history.body)).not.toContain('checkCodeSalt');
  });

  it('answers 404 INVOICE_NOT_FOUND for an unknown invoice and 400 for a malformed number', async () => {
    const { h, token } = await issued();
    const missing = await request(h.app)
      .get(`${API}/invoices/31010125/0000000099`)
      .set('Authorization', `Bearer ${token}`);
    expect(missing.status).toBe(404);
    expect(errorBody.parse(missing.body).code).toBe('INVOICE_NOT_FOUND');
    const noHistory = await request(h.app)
      .get(`${API}/invoices/31010125/0000000099/history`)
      .set('Authorization', `Bearer ${token}`);
    expect(noHistory.status).toBe(404);
    const malformed = await request(h.app).get(`${API}/invoices/31010125/12`).set('Authorization', `Bearer ${token}`);
    expect(malformed.status).toBe(400);
    expect(errorBody.parse(malformed.body).message).toMatch(/^number: /);
  });

  it('returns the original PDF for the right check code', async () => {
    const { h, token, checkCode } = await issued();
    const res = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001/pdf`)
      .query({ checkCode })
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(Buffer.isBuffer(res.body) && res.body.equals(PDF)).toBe(true);
  });

  it('answers 404 for a wrong check code on the PDF route, like a missing invoice', async () => {
    const { h, token, checkCode } = await issued();
    const wrong = checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    const res = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001/pdf`)
      .query({ checkCode: wrong })
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(errorBody.parse(res.body).code).toBe('INVOICE_NOT_FOUND');
    const missing = await request(h.app)
      .get(`${API}/invoices/31010125/0000000002/pdf`)
      .query({ checkCode })
      .set('Authorization', `Bearer ${token}`);
    expect(errorBody.parse(missing.body)).toEqual(errorBody.parse(res.body));
  });

  it('answers 400 naming checkCode when it is missing on the PDF route', async () => {
    const { h, token } = await issued();
    const res = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001/pdf`)
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body).message).toMatch(/^checkCode: /);
  });
});

describe('check-code guessing', () => {
  const verify = (h: Harness, token: string, checkCode: string) =>
    request(h.app)
      .post(`${API}/invoices/verify`)
      .set('Authorization', `Bearer ${token}`)
      .send({ code: '31010125', number: '0000000001', checkCode });

  it('answers 429 with Retry-After after 5 wrong check codes of one user on one invoice; records each', async () => {
    const h = await harness();
    const clerk = await h.login('clerk1');
    const checkCode = issueBody.parse((await issue(h, clerk)).body).checkCode;
    const wrong = checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    const insurer = await h.login('insurer1');
    for (let i = 0; i < 5; i++) expect(verifyBody.parse((await verify(h, insurer, wrong)).body).result).toBe('unknown');

    const limited = await verify(h, insurer, checkCode);
    expect(limited.status).toBe(429);
    expect(errorBody.parse(limited.body).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    // The PDF route is the same guess.
    const pdf = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001/pdf`)
      .query({ checkCode })
      .set('Authorization', `Bearer ${insurer}`);
    expect(pdf.status).toBe(429);

    expect(h.offchain.checkCodeFailures.rows.map((r) => [r.username, r.mspId, r.invoice, r.via, r.outcome])).toEqual([
      ...Array.from({ length: 5 }, () => [
        'insurer1',
        'InsurerMSP',
        '31010125/0000000001',
        'verify',
        'wrong_check_code',
      ]),
      ['insurer1', 'InsurerMSP', '31010125/0000000001', 'verify', 'rate_limited'],
      ['insurer1', 'InsurerMSP', '31010125/0000000001', 'pdf', 'rate_limited'],
    ]);
    // Another user is not held back by this user's failures.
    const other = await verify(h, await h.login('medins1'), checkCode);
    expect(verifyBody.parse(other.body).result).toBe('authentic');
  });

  it('counts wrong check codes on the PDF route, and lets the guesses resume after the window', async () => {
    let now = new Date('2026-11-30T08:00:00.000Z');
    const h = await harness({ guessLimits: { perUserAndInvoice: 2 }, clock: () => now });
    const checkCode = issueBody.parse((await issue(h, await h.login('clerk1'))).body).checkCode;
    const wrong = checkCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    const insurer = await h.login('insurer1');
    const pdf = (code: string) =>
      request(h.app)
        .get(`${API}/invoices/31010125/0000000001/pdf`)
        .query({ checkCode: code })
        .set('Authorization', `Bearer ${insurer}`);
    expect((await pdf(wrong)).status).toBe(404);
    expect((await pdf(wrong)).status).toBe(404);
    const limited = await pdf(checkCode);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('900');
    now = new Date(now.getTime() + 900_000);
    expect((await pdf(checkCode)).status).toBe(200);
  });

  it('answers 503 with no verdict when the attempt cannot be recorded (the invoice may have been read ahead)', async () => {
    const h = await harness();
    const checkCode = issueBody.parse((await issue(h, await h.login('clerk1'))).body).checkCode;
    h.offchain.checkCodeFailures.failBegins = 1;
    h.chaincode.evaluated.length = 0;
    const res = await verify(h, await h.login('insurer1'), checkCode);
    expect(res.status).toBe(503);
    expect(errorBody.parse(res.body).code).toBe('STORAGE_UNAVAILABLE');
    expect(res.body).not.toHaveProperty('result');
    expect(h.chaincode.evaluated).not.toContain('Verify');
  });
});

describe('GET /invoices/:code/:number/check-code', () => {
  const path = `${API}/invoices/31010125/0000000001/check-code`;

  it('returns the check code to a billing clerk of the issuing organisation', async () => {
    const h = await harness();
    const clerk = await h.login('clerk1');
    const res = await issue(h, clerk);
    expect(res.status).toBe(201);
    const recovered = await request(h.app).get(path).set('Authorization', `Bearer ${clerk}`);
    expect(recovered.status).toBe(200);
    expect(recovered.body).toEqual({
      code: '31010125',
      number: '0000000001',
      checkCode: issueBody.parse(res.body).checkCode,
    });
  });

  it('refuses another hospital and non-clerks (403), and answers 404 for an unknown invoice', async () => {
    const h = await harness();
    expect((await issue(h, await h.login('clerk1'))).status).toBe(201);
    for (const user of ['clerk2', 'insurer1']) {
      const res = await request(h.app)
        .get(path)
        .set('Authorization', `Bearer ${await h.login(user)}`);
      expect({ user, status: res.status, code: errorBody.parse(res.body).code }).toEqual({
        user,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const unknown = await request(h.app)
      .get(`${API}/invoices/31010125/0000000999/check-code`)
      .set('Authorization', `Bearer ${await h.login('clerk1')}`);
    expect(unknown.status).toBe(404);
  });
});
