import request from 'supertest';
import { CLERK, serviceSetup } from '../../../test/invoice-service';
import { harness, invoiceData, PDF } from '../../../test/harness';
import { API } from '../../../test/api';
import { InMemoryContracts } from '../../../test/in-memory-fabric';
import { FabricLedgerClient } from '../../fabric/ledger-client';
import { FabricMigrationLedger } from '../../fabric/migration-ledger';
import { silentLogger } from '../../logger';
import type { User } from '../auth/roles';
import { InMemoryOrphanSightings, OrphanFinder } from './blob-orphans';
import { InvoiceReconciler, type ReconciliationReport } from './reconciliation';
import { InMemoryReconciliationJobStore, ReconciliationJobs, type ReconciliationJob } from './reconciliation-jobs';
import { reconciliationJobSchema } from './reconciliation-schemas';
import { invoiceDataSchema } from './schemas';

// Each test issues three invoices through the service first (check codes derived with PBKDF2).
jest.setTimeout(30_000);

const SUPERVISOR: User = { username: 'sup', displayName: 'Sup', mspId: 'HealthCommMSP', role: 'supervisor' };
const OTHER_CLERK: User = { ...CLERK, username: 'clerk2', mspId: 'Hospital2MSP' };
const numbers = ['0000000001', '0000000002', '0000000003'];

/** Three invoices issued; the projection's ids are those of the records. */
async function setup() {
  const s = serviceSetup();
  for (const number of numbers) {
    await s.service.issueInvoice(CLERK, invoiceDataSchema.parse(invoiceData({ number })), PDF);
  }
  const ids = numbers.map((n) => `31010125/${n}`);
  const reconciler = new InvoiceReconciler({
    ledger: new FabricMigrationLedger(
      new FabricLedgerClient(new InMemoryContracts(s.chaincode), { attempts: 1, baseDelayMs: 0 }),
    ),
    records: s.offchain.records,
    chain: {
      idsByIssuer: (issuer, after, limit) =>
        Promise.resolve(
          issuer !== 'Hospital1MSP' ? [] : ids.filter((id) => after === undefined || id > after).slice(0, limit),
        ),
    },
    issuances: s.offchain.issuances,
    stalledAfterMs: 60_000,
    count: (issuer) => Promise.resolve(issuer === 'Hospital1MSP' ? 6 : 0),
  });
  const store = new InMemoryReconciliationJobStore();
  const pins = new Set<string>(s.offchain.files.docs.keys());
  const orphans = new OrphanFinder({
    pins: {
      pinned: () => Promise.resolve([...pins]),
      unpin: (cid) => {
        pins.delete(cid);
        return Promise.resolve();
      },
    },
    references: {
      referenced: () => {
        const rows = [...s.offchain.records.rows.values()];
        return Promise.resolve({
          cids: new Set(rows.flatMap((r) => [r.pdf.cid, r.data.cid])),
          keyIds: new Set(rows.flatMap((r) => [r.pdf.keyId, r.data.keyId])),
        });
      },
    },
    sightings: new InMemoryOrphanSightings(),
    graceMs: 0,
  });
  const jobsOver = () => new ReconciliationJobs({ store, reconciler, orphans, logger: silentLogger });
  return { ...s, reconciler, store, pins, jobsOver, jobs: jobsOver() };
}

async function finished(jobs: ReconciliationJobs, user: User, id: string): Promise<ReconciliationJob> {
  await jobs.idle(id);
  return jobs.get(user, id);
}

describe('ReconciliationJobs', () => {
  it('runs in the background, counts its progress, and keeps the report and the orphans', async () => {
    const { jobs, pins, store } = await setup();
    pins.add('bafyorphanedbyacrash');
    const { job, created } = await jobs.start(CLERK, 'Hospital1MSP');
    expect({ created, state: job.state }).toEqual({ created: true, state: 'running' });
    const done = await finished(jobs, CLERK, job.id);
    expect(done).toMatchObject({ state: 'completed', checked: 6, total: 6, lastError: '' });
    expect(done.report).toMatchObject({ counts: { records: 3, ledgerInvoices: 3 }, divergences: [] });
    expect(done.orphans?.orphans.map((o) => o.cid)).toEqual(['bafyorphanedbyacrash']);
    expect(store.jobs.get(job.id)?.state).toBe('completed');
  });

  it('keeps a finished report across a restart (a new service over the same store)', async () => {
    const { jobs, jobsOver } = await setup();
    const { job } = await jobs.start(SUPERVISOR, 'Hospital1MSP');
    const done = await finished(jobs, SUPERVISOR, job.id);
    const restarted = jobsOver();
    expect(await restarted.get(SUPERVISOR, job.id)).toEqual(done);
    expect(await restarted.resumeInterrupted()).toEqual([]);
  });

  it('runs again at start a job the previous process left running', async () => {
    const { store, jobsOver } = await setup();
    const now = new Date().toISOString();
    const base = { issuerMsp: 'Hospital1MSP', readAs: 'Hospital1MSP', requestedBy: 'clerk1', lastError: '' };
    await store.create({
      ...base,
      id: 'interrupted',
      state: 'running',
      checked: 2,
      total: 6,
      createdAt: now,
      updatedAt: now,
    });
    const restarted = jobsOver();
    expect(await restarted.resumeInterrupted()).toEqual(['interrupted']);
    const done = await finished(restarted, CLERK, 'interrupted');
    expect(done).toMatchObject({ state: 'completed', checked: 6, total: 6 });
  });

  it('answers the running job of an issuer instead of starting a second one', async () => {
    let release: (report: ReconciliationReport) => void = () => undefined;
    const store = new InMemoryReconciliationJobStore();
    const reconciler = { run: () => new Promise<ReconciliationReport>((resolve) => (release = resolve)) };
    const jobs = new ReconciliationJobs({ store, reconciler, logger: silentLogger });
    const first = await jobs.start(CLERK, 'Hospital1MSP');
    const second = await jobs.start(SUPERVISOR, 'Hospital1MSP');
    expect({ created: second.created, id: second.job.id }).toEqual({ created: false, id: first.job.id });
    release({
      issuerMsp: 'Hospital1MSP',
      checkedAt: '',
      counts: { records: 0, ledgerInvoices: 0, openIssuances: 0 },
      divergences: [],
      truncated: false,
    });
    expect((await finished(jobs, CLERK, first.job.id)).state).toBe('completed');
  });

  it('records a failure with its reason', async () => {
    const store = new InMemoryReconciliationJobStore();
    const reconciler = { run: () => Promise.reject(new Error('peer unreachable')) };
    const jobs = new ReconciliationJobs({ store, reconciler, logger: silentLogger });
    const { job } = await jobs.start(SUPERVISOR, 'Hospital2MSP');
    expect(await finished(jobs, SUPERVISOR, job.id)).toMatchObject({
      state: 'failed',
      lastError: expect.stringContaining('peer unreachable') as unknown,
    });
  });

  it("lets a clerk reconcile only their own hospital, and hides other hospitals' jobs", async () => {
    const { jobs } = await setup();
    await expect(jobs.start(OTHER_CLERK, 'Hospital1MSP')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const officer: User = { ...SUPERVISOR, role: 'reimbursement_officer', mspId: 'MedInsMSP' };
    await expect(jobs.start(officer, 'MedInsMSP')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { job } = await jobs.start(CLERK, 'Hospital1MSP');
    await jobs.idle(job.id);
    await expect(jobs.get(OTHER_CLERK, job.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('unpins the orphans of a finished job for a supervisor, never a referenced CID', async () => {
    const { jobs, pins, offchain } = await setup();
    pins.add('bafyorphanedbyacrash');
    const { job } = await jobs.start(SUPERVISOR, 'Hospital1MSP');
    await jobs.idle(job.id);
    await expect(jobs.unpinOrphans(CLERK, job.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await jobs.unpinOrphans(SUPERVISOR, job.id)).toEqual({
      unpinned: ['bafyorphanedbyacrash'],
      kept: [],
      keysDestroyed: [],
    });
    expect(pins.has('bafyorphanedbyacrash')).toBe(false);
    const record = offchain.records.rows.get('31010125/0000000001');
    expect(record && pins.has(record.pdf.cid)).toBe(true);
    expect((await jobs.get(SUPERVISOR, job.id)).unpinned).toEqual(['bafyorphanedbyacrash']);
  });
});

describe('reconciliation job routes', () => {
  it('answers 202 with the job and its Location, then the completed job with its report', async () => {
    const { reconciler, jobs } = await setup();
    const h = await harness({ reconciliation: { reconciler, jobs } });
    const clerk = await h.login('clerk1');
    const started = await request(h.app)
      .post(`${API}/reconciliation/invoices/jobs`)
      .set('Authorization', `Bearer ${clerk}`)
      .send({});
    expect(started.status).toBe(202);
    const job = reconciliationJobSchema.parse(started.body);
    expect(started.headers['location']).toBe(`/api/v1/reconciliation/invoices/jobs/${job.id}`);
    await jobs.idle(job.id);
    const read = await request(h.app)
      .get(`${API}/reconciliation/invoices/jobs/${job.id}`)
      .set('Authorization', `Bearer ${clerk}`);
    expect(reconciliationJobSchema.parse(read.body)).toMatchObject({
      state: 'completed',
      progress: { checked: 6, total: 6 },
      report: { issuerMsp: 'Hospital1MSP' },
    });
    const unpin = await request(h.app)
      .post(`${API}/reconciliation/invoices/jobs/${job.id}/unpin-orphans`)
      .set('Authorization', `Bearer ${clerk}`);
    expect(unpin.status).toBe(403);
    const unknown = await request(h.app)
      .get(`${API}/reconciliation/invoices/jobs/00000000-0000-4000-8000-000000000000`)
      .set('Authorization', `Bearer ${clerk}`);
    expect(unknown.status).toBe(404);
    const foreign = await request(h.app)
      .post(`${API}/reconciliation/invoices/jobs`)
      .set('Authorization', `Bearer ${clerk}`)
      .send({ issuer: 'Hospital2MSP' });
    expect(foreign.status).toBe(403);
  });
});
