import request from 'supertest';
import { z } from 'zod';
import { harness, type Harness } from '../../../test/harness';
import { historicInvoice, historicPdf } from '../../cli/migration-source-generator';
import { jobResponseSchema, reportResponseSchema } from './schemas';
import { InMemoryMigrationStore } from './store';

const API = '/api/v1';
const errorBody = z.object({ code: z.string(), message: z.string() });
const ISSUED_AT = '2024-03-04T09:30:00+08:00';

function item(seq: number, overrides: { code?: string; number?: string; checkCode?: string } = {}) {
  const code = overrides.code ?? '31012021';
  const number = overrides.number ?? String(seq).padStart(10, '0');
  return {
    seq,
    invoice: historicInvoice(seq, code, number, new Date(ISSUED_AT)),
    issuedAt: ISSUED_AT,
    ...(overrides.checkCode === undefined ? {} : { checkCode: overrides.checkCode }),
    pdf: historicPdf(`${code}-${number}`).toString('base64'),
  };
}

async function createJob(h: Harness, token: string, sourceId = 'source-0001') {
  const res = await request(h.app).post(`${API}/migrations`).set('authorization', `Bearer ${token}`).send({ sourceId });
  return { status: res.status, job: jobResponseSchema.parse(res.body) };
}

async function until(h: Harness, token: string, id: string): Promise<z.infer<typeof jobResponseSchema>> {
  for (let i = 0; i < 200; i++) {
    const res = await request(h.app).get(`${API}/migrations/${id}`).set('authorization', `Bearer ${token}`).expect(200);
    const job = jobResponseSchema.parse(res.body);
    if (job.done || job.state === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('job did not finish');
}

describe('migration routes', () => {
  it('imports items, refuses the broken ones, and reconciles source against chain', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const created = await createJob(h, token);
    expect(created.status).toBe(201);
    const id = created.job.id;
    const items = [
      item(1, { checkCode: 'A1B2C3' }),
      item(2),
      item(3, { code: '31020001' }),
      item(4, { number: '0000000001' }),
    ];
    const added = await request(h.app)
      .post(`${API}/migrations/${id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items })
      .expect(200);
    expect(added.body).toMatchObject({
      results: [
        { seq: 1, state: 'stored' },
        { seq: 2, state: 'stored' },
        { seq: 3, state: 'stored' },
        { seq: 4, state: 'refused' },
      ],
    });
    // Re-sent: nothing changes.
    await request(h.app)
      .post(`${API}/migrations/${id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items })
      .expect(200);
    expect((await createJob(h, token)).status).toBe(200);

    await request(h.app).post(`${API}/migrations/${id}/run`).set('authorization', `Bearer ${token}`).expect(202);
    const job = await until(h, token, id);
    expect(job.lastError).toBe('');
    expect(job).toMatchObject({ state: 'completed', done: true, counts: { recorded: 2, refused: 2, total: 4 } });

    const res = await request(h.app)
      .get(`${API}/migrations/${id}/report`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    const report = reportResponseSchema.parse(res.body);
    expect(report.source.count).toBe(4);
    expect(report.chain).toEqual({
      count: 2,
      amount: (items[0]!.invoice['totalAmount'] as number) + (items[1]!.invoice['totalAmount'] as number),
    });
    expect(report.mismatches.map((m) => [m.seq, m.kind])).toEqual([
      [3, 'refused'],
      [4, 'duplicate'],
    ]);
    expect(report.mismatches[0]?.detail).toMatch(/^CODE_NOT_ALLOCATED: source item 3: invoice code 31020001/);

    const insurer = await h.login('insurer1');
    const verified = await request(h.app)
      .post(`${API}/invoices/verify`)
      .set('authorization', `Bearer ${insurer}`)
      .send({ code: '31012021', number: '0000000001', checkCode: 'A1B2C3' })
      .expect(200);
    expect(verified.body).toMatchObject({ result: 'authentic', status: 'ISSUED' });
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const { job } = await createJob(h, token);
    const bad = { ...item(1), issuedAt: '2999-01-01T00:00:00Z' };
    const res = await request(h.app)
      .post(`${API}/migrations/${job.id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items: [item(2), bad] })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION' });
    expect(errorBody.parse(res.body).message).toContain('items[1].issuedAt');
    const empty = await request(h.app)
      .post(`${API}/migrations/${job.id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items: [{ ...item(1), issuedAt: '' }] })
      .expect(400);
    expect(errorBody.parse(empty.body).message).toContain('items[0].issuedAt');
    const notPdf = { ...item(1), pdf: Buffer.from('hello world').toString('base64') };
    const res2 = await request(h.app)
      .post(`${API}/migrations/${job.id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items: [notPdf] })
      .expect(400);
    expect(errorBody.parse(res2.body).message).toContain('items[0].pdf');
    const progress = await request(h.app)
      .get(`${API}/migrations/${job.id}`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(progress.body).toMatchObject({ counts: { total: 0 } });
  });

  it('is for billing clerks of the job organisation only', async () => {
    const h = await harness();
    const token = await h.login('clerk1');
    const { job } = await createJob(h, token);
    const other = await h.login('clerk2');
    await request(h.app).get(`${API}/migrations/${job.id}`).set('authorization', `Bearer ${other}`).expect(404);
    const insurer = await h.login('insurer1');
    await request(h.app).get(`${API}/migrations/${job.id}`).set('authorization', `Bearer ${insurer}`).expect(403);
  });

  it('goes on, at the next start, with a job whose import was under way when the gateway stopped', async () => {
    const store = new InMemoryMigrationStore();
    const before = await harness({ migrationStore: store });
    const token = await before.login('clerk1');
    const { job } = await createJob(before, token, 'source-restart');
    await request(before.app)
      .post(`${API}/migrations/${job.id}/items`)
      .set('authorization', `Bearer ${token}`)
      .send({ items: [item(11), item(12)] })
      .expect(200);
    // The process stopped while its runner held the job: sealed, state running, nothing on chain.
    await store.updateJob(job.id, { sealed: true, state: 'running' });

    const after = await harness({ migrationStore: store });
    expect(await after.services.migrations.resumeInterrupted()).toEqual([job.id]);
    await after.services.migrations.idle(job.id);
    expect(await after.services.migrations.resumeInterrupted()).toEqual([]);
    const done = await until(after, await after.login('clerk1'), job.id);
    expect(done).toMatchObject({ state: 'completed', done: true });
    expect(done.counts).toMatchObject({ recorded: 2, refused: 0 });
  });
});
