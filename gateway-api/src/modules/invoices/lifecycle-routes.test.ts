import request from 'supertest';
import { harness, type Harness } from '../../../test/harness';
import { abandoned, API, errorBody, issue, loseTheCommit } from '../../../test/api';
import { z } from 'zod';
import { lifecycleResponseSchema } from './lifecycle-routes';

const openApiPaths = z.object({
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        parameters: z.array(z.object({ name: z.string(), in: z.string() }).passthrough()).default([]),
        responses: z.record(z.string(), z.unknown()).default({}),
      }),
    ),
  ),
});

const BASE = `${API}/invoices/31010125/0000000001`;

async function issued(): Promise<{ h: Harness; medins: string; insurer: string; clerk: string }> {
  const h = await harness();
  const clerk = await h.login('clerk1');
  expect((await issue(h, clerk)).status).toBe(201);
  return { h, clerk, medins: await h.login('medins1'), insurer: await h.login('insurer1') };
}

function post(h: Harness, token: string, path: string, body: object, key?: string) {
  const req = request(h.app).post(`${BASE}${path}`).set('Authorization', `Bearer ${token}`);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
}

/** How often the ledger was asked anything (submits and queries). */
const ledgerCalls = (h: Harness) => h.chaincode.committed.length + h.chaincode.evaluated.length;

describe('invoice lifecycle routes', () => {
  it('locks, reimburses and writes off, answering the committed invoice without its check-code protection', async () => {
    const { h, medins } = await issued();
    const lock = await post(h, medins, '/locks', { claimId: 'MI-1', amount: 1_000, ttlSeconds: 600 });
    expect(lock.status).toBe(200);
    const locked = lifecycleResponseSchema.parse(lock.body);
    expect(locked.invoice).toMatchObject({ status: 'LOCKED', revision: 2 });
    const raw = lock.body as { invoice: Record<string, unknown> };
    expect(raw.invoice).not.toHaveProperty('checkCodeHash');
    expect(raw.invoice).not.toHaveProperty('checkCodeSalt');

    const paid = await post(h, medins, '/locks/MI-1/reimburse', { amount: 1_000 });
    expect(lifecycleResponseSchema.parse(paid.body).invoice).toMatchObject({ reimbursedAmount: 1_000 });
    const closed = await post(h, medins, '/write-off', { reason: 'settled' });
    expect(lifecycleResponseSchema.parse(closed.body).invoice.status).toBe('WRITTEN_OFF');
    expect(h.chaincode.invoice('31010125', '0000000001')?.lastOperation).toMatchObject({
      operation: 'WRITE_OFF',
      actor: 'medins1',
    });
  });

  it('answers the chaincode refusals with their stable codes and statuses', async () => {
    const { h, medins, insurer } = await issued();
    await post(h, medins, '/locks', { claimId: 'MI-1', amount: 1, ttlSeconds: 600 }).expect(200);
    const over = await post(h, insurer, '/locks', { claimId: 'IN-1', amount: 10_000_000, ttlSeconds: 600 });
    expect({ status: over.status, code: errorBody.parse(over.body).code }).toEqual({
      status: 409,
      code: 'AMOUNT_UNAVAILABLE',
    });
    const notHolder = await post(h, insurer, '/locks/MI-1/reimburse', { amount: 1 });
    expect({ status: notHolder.status, code: errorBody.parse(notHolder.body).code }).toEqual({
      status: 403,
      code: 'NOT_LOCK_HOLDER',
    });
    await post(h, medins, '/locks/MI-1/reimburse', { amount: 1 }).expect(200);
    const twice = await post(h, medins, '/locks/MI-1/reimburse', { amount: 1 });
    expect({ status: twice.status, code: errorBody.parse(twice.body).code }).toEqual({
      status: 409,
      code: 'LOCK_NOT_ACTIVE',
    });
    const missing = await request(h.app)
      .post(`${API}/invoices/31010125/0000000999/locks`)
      .set('Authorization', `Bearer ${medins}`)
      .send({ claimId: 'MI-2', amount: 1, ttlSeconds: 600 });
    expect(missing.status).toBe(404);
  });

  it('checks roles before the ledger: payers lock, issuing clerks void', async () => {
    const { h, clerk, medins } = await issued();
    const clerkLock = await post(h, clerk, '/locks', { claimId: 'H-1', amount: 1, ttlSeconds: 600 });
    expect({ status: clerkLock.status, code: errorBody.parse(clerkLock.body).code }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect((await post(h, medins, '/void', { reason: 'x' })).status).toBe(403);
    const other = await h.login('clerk2');
    const foreign = await post(h, other, '/void', { reason: 'not mine' });
    expect({ status: foreign.status, code: errorBody.parse(foreign.body).code }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    const voided = await post(h, clerk, '/void', { reason: 'issued in error' });
    expect(lifecycleResponseSchema.parse(voided.body).invoice.status).toBe('VOIDED');
    const unlock = await post(h, medins, '/locks/ANY/unlock', { reason: 'x' });
    expect(unlock.status).toBe(409);
  });

  it('refuses malformed bodies naming the field, and changes nothing', async () => {
    const { h, medins } = await issued();
    const cases: [string, object, RegExp][] = [
      ['/locks', { claimId: 'bad id', amount: 1, ttlSeconds: 600 }, /claimId/],
      ['/locks', { claimId: 'MI-1', amount: 1.5, ttlSeconds: 600 }, /amount/],
      ['/locks', { claimId: 'MI-1', amount: 1, ttlSeconds: 10 }, /ttlSeconds/],
      ['/locks', { claimId: 'MI-1', amount: 1, ttlSeconds: 600, extra: true }, /extra/],
      ['/locks/MI-1/reimburse', { amount: 0 }, /amount/],
      ['/write-off', { reason: '' }, /reason/],
      ['/write-off', { reason: 'a\u0000b' }, /reason/],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(h, medins, path, body);
      expect(res.status).toBe(400);
      expect(errorBody.parse(res.body).message).toMatch(field);
    }
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(1);
  });
});

describe('Idempotency-Key on the lifecycle routes', () => {
  it('answers a retry of each operation with its first answer, without asking the ledger again', async () => {
    const { h, medins } = await issued();
    const steps: [string, object][] = [
      ['/locks', { claimId: 'MI-1', amount: 1_000, ttlSeconds: 600 }],
      ['/locks/MI-1/reimburse', { amount: 400 }],
      ['/locks', { claimId: 'MI-2', amount: 500, ttlSeconds: 600 }],
      ['/locks/MI-2/unlock', { reason: 'claim refused' }],
      ['/write-off', { reason: 'settled' }],
    ];
    for (const [index, [path, body]] of steps.entries()) {
      const key = `lifecycle-key-${index}`;
      const first = await post(h, medins, path, body, key);
      expect({ path, status: first.status }).toEqual({ path, status: 200 });
      const calls = ledgerCalls(h);
      const again = await post(h, medins, path, body, key);
      expect({ path, status: again.status, replayed: again.headers['idempotent-replayed'] }).toEqual({
        path,
        status: 200,
        replayed: 'true',
      });
      expect(again.body).toEqual(first.body);
      expect(ledgerCalls(h)).toBe(calls);
    }
    expect(h.chaincode.committed.filter((t) => t !== 'Issue')).toEqual([
      'Lock',
      'Reimburse',
      'Lock',
      'Unlock',
      'WriteOff',
    ]);
  });

  it('voids once under a key: the retry gets the first answer', async () => {
    const { h, clerk } = await issued();
    const first = await post(h, clerk, '/void', { reason: 'issued in error' }, 'void-key-0001');
    const again = await post(h, clerk, '/void', { reason: 'issued in error' }, 'void-key-0001');
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(h.chaincode.committed.filter((t) => t === 'Void')).toHaveLength(1);
  });

  it('refuses the same key with another body or another operation (422 IDEMPOTENCY_KEY_REUSED), changing nothing', async () => {
    const { h, medins } = await issued();
    await post(h, medins, '/locks', { claimId: 'MI-1', amount: 100, ttlSeconds: 600 }, 'lock-key-0001').expect(200);
    const calls = ledgerCalls(h);
    const other = await post(h, medins, '/locks', { claimId: 'MI-1', amount: 200, ttlSeconds: 600 }, 'lock-key-0001');
    expect({ status: other.status, code: errorBody.parse(other.body).code }).toEqual({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const elsewhere = await post(h, medins, '/write-off', { reason: 'settled' }, 'lock-key-0001');
    expect(errorBody.parse(elsewhere.body).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(ledgerCalls(h)).toBe(calls);
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(2);
  });

  it('refuses a malformed key (400 naming Idempotency-Key) before anything else', async () => {
    const { h, medins } = await issued();
    for (const key of ['short', 'has space!', 'x'.repeat(129)]) {
      const res = await post(h, medins, '/locks', { claimId: 'MI-1', amount: 100, ttlSeconds: 600 }, key);
      expect(res.status).toBe(400);
      expect(errorBody.parse(res.body).message).toMatch(/^Idempotency-Key: /);
    }
    expect(h.chaincode.invoice('31010125', '0000000001')?.revision).toBe(1);
  });

  it('answers a retry whose first attempt committed but lost its answer with that commit, not a second lock', async () => {
    const { h, medins } = await issued();
    const body = { claimId: 'MI-1', amount: 1_000, ttlSeconds: 600 };
    loseTheCommit(h);
    const lost = await post(h, medins, '/locks', body, 'lost-lock-0001');
    expect(lost.status).toBe(503);
    expect(h.chaincode.committed.filter((t) => t === 'Lock')).toHaveLength(1);
    const busy = await post(h, medins, '/locks', body, 'lost-lock-0001');
    expect(errorBody.parse(busy.body).code).toBe('CONFLICT');

    abandoned(h, 'lost-lock-0001');
    const again = await post(h, medins, '/locks', { claimId: 'MI-2', amount: 1, ttlSeconds: 600 }).expect(200);
    const retried = await post(h, medins, '/locks', body, 'lost-lock-0001');
    expect(retried.status).toBe(200);
    const answer = lifecycleResponseSchema.parse(retried.body);
    expect(answer.invoice.locks.map((lock) => lock.claimId)).toEqual(['MI-1']);
    expect(answer.txId).not.toBe(lifecycleResponseSchema.parse(again.body).txId);
    expect(h.chaincode.committed.filter((t) => t === 'Lock')).toHaveLength(2);
    const replay = await post(h, medins, '/locks', body, 'lost-lock-0001');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(retried.body);
  });

  it('writes again under a key whose crashed attempt never landed', async () => {
    const { h, medins } = await issued();
    const body = { claimId: 'MI-1', amount: 1_000, ttlSeconds: 600 };
    // No peer endorses: nothing is sent, but the gateway cannot tell the ledger is unchanged.
    for (let i = 0; i < 3; i++) h.chaincode.faults.push({ stage: 'endorse', kind: 'unavailable' });
    expect((await post(h, medins, '/locks', body, 'never-landed-0001')).status).toBe(503);
    expect(h.chaincode.committed.filter((t) => t === 'Lock')).toHaveLength(0);
    abandoned(h, 'never-landed-0001');
    const retried = await post(h, medins, '/locks', body, 'never-landed-0001');
    expect(retried.status).toBe(200);
    expect(lifecycleResponseSchema.parse(retried.body).invoice.locks.map((lock) => lock.claimId)).toEqual(['MI-1']);
    expect(h.chaincode.committed.filter((t) => t === 'Lock')).toHaveLength(1);
  });

  it('sends nothing when the transaction cannot be recorded under the key first, and releases the key', async () => {
    const { h, medins } = await issued();
    const body = { claimId: 'MI-1', amount: 1_000, ttlSeconds: 600 };
    const down = Object.assign(new Error('connection refused'), { code: 'DATABASE_UNAVAILABLE' });
    jest.spyOn(h.offchain.idempotency, 'recordAttempts').mockRejectedValueOnce(down);
    const refused = await post(h, medins, '/locks', body, 'unrecorded-0001');
    expect({ status: refused.status, code: errorBody.parse(refused.body).code }).toEqual({
      status: 503,
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(h.chaincode.committed.filter((t) => t === 'Lock')).toHaveLength(0);
    const retried = await post(h, medins, '/locks', body, 'unrecorded-0001');
    expect(retried.status).toBe(200);
    const row = h.offchain.idempotencyRecords.rows.find((r) => r['key'] === 'unrecorded-0001');
    expect(row?.['attempts']).toEqual([lifecycleResponseSchema.parse(retried.body).txId]);
  });

  it('releases the key after a refusal, so the corrected request goes through under it', async () => {
    const { h, medins, insurer } = await issued();
    await post(h, medins, '/locks', { claimId: 'MI-1', amount: 1, ttlSeconds: 600 }).expect(200);
    const key = 'insurer-lock-0001';
    const over = await post(h, insurer, '/locks', { claimId: 'IN-1', amount: 10_000_000, ttlSeconds: 600 }, key);
    expect({ status: over.status, code: errorBody.parse(over.body).code }).toEqual({
      status: 409,
      code: 'AMOUNT_UNAVAILABLE',
    });
    const notHolder = await post(h, insurer, '/locks/MI-1/reimburse', { amount: 1 }, 'insurer-pay-0001');
    expect(notHolder.status).toBe(403);
    const corrected = await post(h, insurer, '/locks', { claimId: 'IN-1', amount: 1_000, ttlSeconds: 600 }, key);
    expect(corrected.status).toBe(200);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    const pay = await post(h, insurer, '/locks/IN-1/reimburse', { amount: 1_000 }, 'insurer-pay-0001');
    expect(pay.status).toBe(200);
    expect(lifecycleResponseSchema.parse(pay.body).invoice.reimbursedAmount).toBe(1_000);
  });

  it('documents the optional header on every lifecycle operation, with the schema the routes enforce', async () => {
    const { app } = await harness();
    const res = await request(app).get(`${API}/openapi.json`).expect(200);
    const doc = openApiPaths.parse(res.body);
    const operations = ['/locks', '/locks/{claimId}/reimburse', '/locks/{claimId}/unlock', '/void', '/write-off'];
    for (const path of [...operations, '/red-flush', '/update']) {
      const operation = doc.paths[`${API}/invoices/{code}/{number}${path}`]?.post;
      const header = operation?.parameters.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect({ path, header }).toEqual({
        path,
        header: expect.objectContaining({
          required: false,
          schema: expect.objectContaining({ pattern: '^[A-Za-z0-9._:-]{8,128}$' }) as unknown,
        }) as unknown,
      });
      expect(Object.keys(operation?.responses ?? {})).toContain('422');
    }
  });
});

describe('GET /registry/orgs', () => {
  it('lists the registered units and their code ranges', async () => {
    const h = await harness();
    const token = await h.login('insurer1');
    const res = await request(h.app).get(`${API}/registry/orgs`).set('Authorization', `Bearer ${token}`).expect(200);
    expect((res.body as { orgs: unknown[] }).orgs).toEqual([
      expect.objectContaining({ mspId: 'Hospital1MSP', unitName: 'Qingpu District Central Hospital' }),
      expect.objectContaining({ mspId: 'Hospital2MSP' }),
    ]);
  });
});
