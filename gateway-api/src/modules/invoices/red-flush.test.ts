import request from 'supertest';
import { harness, PDF, type Harness } from '../../../test/harness';
import { abandoned, API, errorBody, issue, lockIssuedInvoice, loseTheCommit } from '../../../test/api';
import { redFlushResponseSchema } from './schemas';

const BASE = `${API}/invoices/31010125/0000000001`;
const RED_PDF = Buffer.concat([PDF, Buffer.from('% red invoice\n')]);

function redFlush(h: Harness, token: string, red: Record<string, unknown>, pdf: Buffer = RED_PDF, key?: string) {
  const req = request(h.app).post(`${BASE}/red-flush`).set('Authorization', `Bearer ${token}`);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req
    .field('red', JSON.stringify(red))
    .attach('pdf', pdf, { filename: 'red.pdf', contentType: 'application/pdf' });
}

async function issued(): Promise<{ h: Harness; clerk: string }> {
  const h = await harness();
  const clerk = await h.login('clerk1');
  expect((await issue(h, clerk)).status).toBe(201);
  return { h, clerk };
}

const RED = { code: '31010126', number: '0000000001', reason: 'Wrong department charged' };

describe('POST /invoices/{code}/{number}/red-flush', () => {
  it('marks the original RED_FLUSHED and issues a linked red invoice with its own check code and documents', async () => {
    const { h, clerk } = await issued();
    const res = await redFlush(h, clerk, RED);
    expect(res.status).toBe(201);
    const body = redFlushResponseSchema.parse(res.body);
    expect(body.original).toMatchObject({
      status: 'RED_FLUSHED',
      linkedInvoice: { code: '31010126', number: '0000000001' },
    });
    expect(body.red.checkCode).toMatch(/^[0-9A-Z]{6}$/);
    const red = h.chaincode.invoice('31010126', '0000000001');
    expect(red).toMatchObject({ kind: 'RED', linkedInvoice: { code: '31010125', number: '0000000001' } });
    expect(red?.pdfDigest).toBe(body.red.pdfDigest);
    expect(h.offchain.records.rows.get('31010126/0000000001')?.pdf.sm3).toBe(body.red.pdfDigest);
    // The red invoice's PDF comes back with its check code.
    const pdf = await request(h.app)
      .get(`${API}/invoices/31010126/0000000001/pdf?checkCode=${body.red.checkCode}`)
      .set('Authorization', `Bearer ${clerk}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(Buffer.compare(pdf.body as Buffer, RED_PDF)).toBe(0);
  });

  it('is refused while a payer holds a lock (409), discarding the red documents it stored', async () => {
    const { h, clerk } = await issued();
    await lockIssuedInvoice(h, 1000);
    const destroyed = h.offchain.files.destroyed.size;
    const res = await redFlush(h, clerk, RED);
    expect(res.status).toBe(409);
    expect(errorBody.parse(res.body).code).toBe('INVOICE_STATE_CONFLICT');
    expect(h.offchain.files.destroyed.size).toBe(destroyed + 2);
    expect(h.offchain.files.unpinned.size).toBe(2);
    expect(h.chaincode.invoice('31010126', '0000000001')).toBeUndefined();
  });

  it('refuses another hospital, payers, a red code not allocated to the hospital and bad input, storing nothing', async () => {
    const { h, clerk } = await issued();
    const docs = h.offchain.files.docs.size;
    const other = await redFlush(h, await h.login('clerk2'), { ...RED, code: '31020001' });
    expect(other.status).toBe(403);
    expect((await redFlush(h, await h.login('medins1'), RED)).status).toBe(403);
    const foreign = await redFlush(h, clerk, { ...RED, code: '31020001' });
    expect({ status: foreign.status, code: errorBody.parse(foreign.body).code }).toEqual({
      status: 403,
      code: 'CODE_NOT_ALLOCATED',
    });
    const bad = await redFlush(h, clerk, { ...RED, reason: '' });
    expect(bad.status).toBe(400);
    expect(errorBody.parse(bad.body).message).toMatch(/^red\.reason/);
    const again = await redFlush(h, clerk, { ...RED, number: '0000000001', code: '31010125' });
    expect(errorBody.parse(again.body).code).toBe('INVOICE_EXISTS');
    expect(h.offchain.files.docs.size).toBe(docs);
  });

  it('red-flushes once per Idempotency-Key: the retry gets the first red invoice, its check code stored sealed', async () => {
    const { h, clerk } = await issued();
    const first = await redFlush(h, clerk, RED, RED_PDF, 'red-flush-0001');
    const again = await redFlush(h, clerk, RED, RED_PDF, 'red-flush-0001');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(1);
    const { checkCode } = redFlushResponseSchema.parse(first.body).red;
    const row = h.offchain.idempotencyRecords.row('clerk1', 'red-flush-0001');
    expect(row).toMatchObject({ state: 'done', statusCode: 201 });
    const stored = Object.values(row ?? {}).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)));
    expect(stored.join('\n')).not.toContain(checkCode);

    const otherPdf = await redFlush(h, clerk, RED, Buffer.concat([RED_PDF, Buffer.from('%')]), 'red-flush-0001');
    expect({ status: otherPdf.status, code: errorBody.parse(otherPdf.body).code }).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('releases the key after a refusal, so the corrected red-flush goes through under it; refuses a malformed key', async () => {
    const { h, clerk } = await issued();
    const malformed = await redFlush(h, clerk, RED, RED_PDF, 'bad key');
    expect({ status: malformed.status, message: errorBody.parse(malformed.body).message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^Idempotency-Key: /) as unknown,
    });
    const foreign = await redFlush(h, clerk, { ...RED, code: '31020001' }, RED_PDF, 'red-flush-0002');
    expect(errorBody.parse(foreign.body).code).toBe('CODE_NOT_ALLOCATED');
    const corrected = await redFlush(h, clerk, RED, RED_PDF, 'red-flush-0002');
    expect(corrected.status).toBe(201);
    expect(h.chaincode.invoice('31010125', '0000000001')?.status).toBe('RED_FLUSHED');
  });

  function pdfWith(h: Harness, token: string, checkCode: string) {
    return request(h.app)
      .get(`${API}/invoices/31010126/0000000001/pdf?checkCode=${checkCode}`)
      .set('Authorization', `Bearer ${token}`);
  }

  it('answers a retry whose red-flush committed but lost its answer with that red invoice and its check code', async () => {
    const { h, clerk } = await issued();
    loseTheCommit(h);
    const lost = await redFlush(h, clerk, RED, RED_PDF, 'lost-red-0001');
    expect(lost.status).toBe(503);
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(1);
    expect(h.offchain.records.rows.get('31010126/0000000001')).toBeUndefined();
    expect(errorBody.parse((await redFlush(h, clerk, RED, RED_PDF, 'lost-red-0001')).body).code).toBe('CONFLICT');

    abandoned(h, 'lost-red-0001');
    const retried = await redFlush(h, clerk, RED, RED_PDF, 'lost-red-0001');
    expect(retried.status).toBe(201);
    const body = redFlushResponseSchema.parse(retried.body);
    expect(body.original.status).toBe('RED_FLUSHED');
    expect(body.txId).toBe(h.chaincode.invoice('31010126', '0000000001')?.lastTxId);
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(1);
    // The red invoice's record, which the crash left unsaved, is saved; its check code is the one anchored.
    expect(h.offchain.records.rows.get('31010126/0000000001')?.pdf.sm3).toBe(body.red.pdfDigest);
    expect((await pdfWith(h, clerk, body.red.checkCode)).status).toBe(200);
    const replay = await redFlush(h, clerk, RED, RED_PDF, 'lost-red-0001');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(retried.body);
    const row = h.offchain.idempotencyRecords.row('clerk1', 'lost-red-0001');
    expect(row).toMatchObject({ state: 'done', sealedProgress: null, progressKeyId: null });
  });

  it('red-flushes anew under a key whose crashed attempt never landed', async () => {
    const { h, clerk } = await issued();
    for (let i = 0; i < 3; i++) h.chaincode.faults.push({ stage: 'endorse', kind: 'unavailable' });
    expect((await redFlush(h, clerk, RED, RED_PDF, 'unlanded-red-0001')).status).toBe(503);
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(0);
    abandoned(h, 'unlanded-red-0001');
    const retried = await redFlush(h, clerk, RED, RED_PDF, 'unlanded-red-0001');
    expect(retried.status).toBe(201);
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(1);
    const { checkCode } = redFlushResponseSchema.parse(retried.body).red;
    expect((await pdfWith(h, clerk, checkCode)).status).toBe(200);
  });

  it('sends nothing when its progress cannot be recorded under the key, discarding the documents it stored', async () => {
    const { h, clerk } = await issued();
    const down = Object.assign(new Error('connection refused'), { code: 'DATABASE_UNAVAILABLE' });
    jest.spyOn(h.offchain.idempotency, 'recordProgress').mockRejectedValueOnce(down);
    const destroyed = h.offchain.files.destroyed.size;
    const refused = await redFlush(h, clerk, RED, RED_PDF, 'unrecorded-red-0001');
    expect({ status: refused.status, code: errorBody.parse(refused.body).code }).toEqual({
      status: 503,
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(h.chaincode.committed.filter((t) => t === 'RedFlush')).toHaveLength(0);
    expect(h.offchain.files.destroyed.size).toBe(destroyed + 2);
    expect((await redFlush(h, clerk, RED, RED_PDF, 'unrecorded-red-0001')).status).toBe(201);
  });
});
