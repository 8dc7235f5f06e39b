import { createHash } from 'node:crypto';
import { canonicalJson } from '@hdt/vocabulary';
import type { Express } from 'express';
import { PDFDocument } from 'pdf-lib';
import request from 'supertest';
import { z } from 'zod';
import { harness, JWT_SECRET, PASSWORD, type Harness } from '../../../test/harness';
import { buildApp } from '../../http/app';
import { silentLogger } from '../../logger';
import { UserDirectory } from '../auth/users';
import type { AccessEvent } from './notifier';
import { accessListSchema, proofSchema, readResultSchema, storedContentSchema, verifyLogSchema } from './schemas';
import { InMemoryAccessLog, InMemoryRecordContents } from './stores';

const RESIDENT = 'e5'.repeat(32);
const OTHER_RESIDENT = 'f6'.repeat(32);
const USERS = [
  { username: 'h1.doctor', displayName: 'Doctor One', mspId: 'Hospital1MSP', role: 'doctor', department: 'Internal' },
  { username: 'h2.doctor', displayName: 'Doctor Two', mspId: 'Hospital2MSP', role: 'doctor', department: 'GP' },
  { username: 'h1.emergency', displayName: 'ER', mspId: 'Hospital1MSP', role: 'doctor', department: 'Emergency' },
  { username: 'clerk1', displayName: 'K1', mspId: 'Hospital1MSP', role: 'billing_clerk', unit: 'Qingpu Hospital' },
  { username: 'clerk2', displayName: 'K2', mspId: 'Hospital2MSP', role: 'billing_clerk' },
  { username: 'resident.e', displayName: 'E', mspId: 'HealthCommMSP', role: 'resident', residentId: RESIDENT },
  { username: 'hc.supervisor', displayName: 'S', mspId: 'HealthCommMSP', role: 'supervisor' },
  { username: 'insurer1', displayName: 'I', mspId: 'InsurerMSP', role: 'reimbursement_officer' },
].map((user) => ({ ...user, password: PASSWORD }));

const sm3Hex = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');
const errorOf = (res: { body: unknown }) => z.object({ code: z.string(), message: z.string() }).parse(res.body);

const FIELDS = { diagnosis: 'J18.9 pneumonia', labResults: { crp: 56, wbc: 11.2 }, address: '1 Lane, Qingpu' };

function digestOf(recordId: string, fields: object, attachment: object | null = null): string {
  return sm3Hex(canonicalJson({ recordId, fields, attachment }));
}

let h: Harness;
let app: Express;
let pdf: Buffer;
const log = new InMemoryAccessLog();
const contents = new InMemoryRecordContents();
const notified: { residentId: string; event: AccessEvent }[] = [];
const tokens: Record<string, string> = {};

function as(username: string) {
  const auth = { authorization: `Bearer ${tokens[username] ?? ''}` };
  return {
    get: (path: string) => request(app).get(`/api/v1${path}`).set(auth),
    post: (path: string, body: object) => request(app).post(`/api/v1${path}`).set(auth).send(body),
    put: (path: string, body: object) => request(app).put(`/api/v1${path}`).set(auth).send(body),
  };
}

function entry(recordId: string, patientId: string, digest: string, type = 'LAB_REPORT') {
  const base = { encounterId: 'ENC-1', recordedAt: '2026-11-20T08:30:00.000Z', classification: 3 };
  return { ...base, recordId, patientId, type, digest, pointer: `his://h1/${recordId}` };
}

async function settle(): Promise<void> {
  while ((await log.unanchored(1)).length > 0) await h.services.accessAnchoring.anchorOnce();
}

beforeAll(async () => {
  const notifier = {
    notify: (residentId: string, event: AccessEvent) => (notified.push({ residentId, event }), Promise.resolve()),
  };
  h = await harness({ access: { log, contents, notifier } });
  app = buildApp({
    config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
    services: h.services,
    users: await UserDirectory.fromJson(USERS),
    logger: silentLogger,
  });
  for (const { username } of USERS) {
    const res = await request(app).post('/api/v1/auth/login').send({ username, password: PASSWORD }).expect(200);
    tokens[username] = z.object({ token: z.string() }).parse(res.body).token;
  }
  const doc = await PDFDocument.create();
  doc.addPage([300, 300]);
  pdf = Buffer.from(await doc.save());
  const attachment = { contentType: 'application/pdf', sm3: sm3Hex(pdf), size: pdf.length };
  const records = [
    entry('R-1', RESIDENT, digestOf('R-1', FIELDS)),
    entry('R-2', RESIDENT, digestOf('R-2', FIELDS, attachment), 'IMAGING_REPORT'),
    entry('R-3', OTHER_RESIDENT, digestOf('R-3', FIELDS)),
  ];
  expect((await as('clerk1').post('/records/batches', { records })).status).toBe(201);
  for (const id of ['R-1', 'R-3'])
    expect((await as('clerk1').put(`/records/${id}/content`, { fields: FIELDS })).status).toBe(200);
  const withPdf = {
    fields: FIELDS,
    attachment: { contentType: 'application/pdf', dataBase64: pdf.toString('base64') },
  };
  expect((await as('clerk1').put('/records/R-2/content', withPdf)).status).toBe(200);
});

describe('storing a record content', () => {
  it("answers the digest and the pointer of the sealed copy, the index's digest checked", async () => {
    const res = await as('clerk1').put('/records/R-1/content', { fields: FIELDS });
    const stored = storedContentSchema.parse(res.body);
    expect(stored).toMatchObject({ digest: digestOf('R-1', FIELDS), attachment: null });
    expect(stored.pointer).toMatch(/^ipfs:bafkrei/);
    const other = await as('clerk1').put('/records/R-1/content', { fields: { ...FIELDS, diagnosis: 'other' } });
    expect({ status: other.status, code: errorOf(other).code }).toEqual({
      status: 409,
      code: 'CONTENT_DIGEST_MISMATCH',
    });
  });

  it('refuses other hospitals, readers, unknown records and malformed input', async () => {
    expect((await as('clerk2').put('/records/R-1/content', { fields: FIELDS })).status).toBe(403);
    expect((await as('insurer1').put('/records/R-1/content', { fields: FIELDS })).status).toBe(403);
    expect((await as('clerk1').put('/records/NOPE/content', { fields: FIELDS })).status).toBe(404);
    const bad = await as('clerk1').put('/records/R-1/content', { fields: FIELDS, extra: 1 });
    expect(errorOf(bad).message).toBe('extra: is not a known field');
    const notPdf = { fields: FIELDS, attachment: { contentType: 'application/pdf', dataBase64: 'AAAA' } };
    expect(errorOf(await as('clerk1').put('/records/R-1/content', notPdf)).message).toMatch(/^attachment.dataBase64/);
  });
});

describe('reading a record', () => {
  it('releases only the fields asked for and allowed, with a watermark, after recording the access', async () => {
    const res = await as('h1.doctor').post('/access/records/R-1', {
      purpose: 'TREATMENT',
      fields: ['diagnosis', 'labResults.crp', 'allergies'],
    });
    expect(res.status).toBe(200);
    const read = readResultSchema.parse(res.body);
    expect(read).toMatchObject({ basis: 'SOURCE_ORG', residentId: RESIDENT, missingFields: ['allergies'] });
    expect(read.fields).toEqual({ diagnosis: FIELDS.diagnosis, 'labResults.crp': 56 });
    expect(read.watermark).toContain('Doctor One (h1.doctor)');
    const logged = await log.get(read.accessId);
    expect(logged?.raw).toMatchObject({
      outcome: 'ALLOWED',
      username: 'h1.doctor',
      fields: ['diagnosis', 'labResults.crp', 'allergies'],
    });
  });

  it('refuses without a grant, records the refusal, and shows it to the resident', async () => {
    const res = await as('h2.doctor').post('/access/records/R-1', { purpose: 'TREATMENT', fields: ['diagnosis'] });
    expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 403, code: 'ACCESS_REFUSED' });
    expect(errorOf(res).message).toMatch(/^NO_GRANT: access record [0-9a-f-]{36}$/);
    const mine = accessListSchema.parse((await as('resident.e').get('/access/mine')).body).accesses;
    expect(mine[0]).toMatchObject({
      username: 'h2.doctor',
      mspId: 'Hospital2MSP',
      outcome: 'REFUSED',
      reason: 'NO_GRANT',
    });
    expect(mine.every((access) => access.residentId === RESIDENT)).toBe(true);
    expect((await as('h1.doctor').get('/access/mine')).status).toBe(403);
  });

  it('names a grant that is not the resident’s as not found', async () => {
    const res = await as('h2.doctor').post('/access/records/R-3', {
      purpose: 'TREATMENT',
      fields: ['x'],
      grantId: 'g-1',
    });
    expect(errorOf(res).message).toMatch(/^GRANT_NOT_FOUND: /);
  });

  it('lets an emergency doctor break the glass: marked, listed for review, the resident notified', async () => {
    const body = {
      purpose: 'EMERGENCY',
      fields: ['diagnosis'],
      breakGlassReason: 'unconscious on arrival, no consent possible',
    };
    const res = await as('h1.emergency').post('/access/records/R-1', body);
    expect(readResultSchema.parse(res.body)).toMatchObject({ basis: 'BREAK_GLASS', breakGlass: true });
    const listed = accessListSchema.parse((await as('hc.supervisor').get('/access/break-glass?limit=5')).body);
    expect(listed.accesses[0]).toMatchObject({
      username: 'h1.emergency',
      breakGlass: true,
      breakGlassReason: body.breakGlassReason,
    });
    expect(notified.at(-1)).toMatchObject({ residentId: RESIDENT, event: { kind: 'BREAK_GLASS', recordId: 'R-1' } });
    expect((await as('h1.doctor').post('/access/records/R-1', body)).status).toBe(403);
    expect((await as('resident.e').get('/access/break-glass')).status).toBe(403);
    const wrongPurpose = await as('h1.emergency').post('/access/records/R-1', { ...body, purpose: 'TREATMENT' });
    expect(errorOf(wrongPurpose).message).toMatch(/^purpose: /);
  });

  it('releases a granted attachment as a PDF naming the viewer', async () => {
    const res = await as('h1.doctor').post('/access/records/R-2', { purpose: 'TREATMENT', fields: ['attachment'] });
    const read = readResultSchema.parse(res.body);
    const released = await PDFDocument.load(Buffer.from(read.attachment?.dataBase64 ?? '', 'base64'));
    expect(released.getSubject()).toContain('h1.doctor');
    expect(released.getSubject()).toContain(read.accessId);
  });

  it('refuses content that is not the one the chain names', async () => {
    const r1 = await contents.get('R-1');
    const r3 = await contents.get('R-3');
    if (r1 === undefined || r3 === undefined) throw new Error('contents missing');
    await contents.put({ ...r1, document: r3.document });
    const res = await as('h1.doctor').post('/access/records/R-1', { purpose: 'TREATMENT', fields: ['diagnosis'] });
    expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 409, code: 'CONTENT_DIGEST_MISMATCH' });
    await contents.put(r1);
  });

  it('refuses non-doctors and malformed requests', async () => {
    expect((await as('clerk1').post('/access/records/R-1', { purpose: 'TREATMENT', fields: ['a'] })).status).toBe(403);
    const star = await as('h1.doctor').post('/access/records/R-1', { purpose: 'TREATMENT', fields: ['*'] });
    expect(errorOf(star).message).toMatch(/^fields\[0\]/);
    const unknown = await as('h1.doctor').post('/access/records/R-1', { purpose: 'LOOKING', fields: ['a'] });
    expect(errorOf(unknown).message).toMatch(/^purpose/);
    expect((await as('h1.doctor').post('/access/records/NOPE', { purpose: 'TREATMENT', fields: ['a'] })).status).toBe(
      404,
    );
  });
});

describe('the access log on chain', () => {
  it('anchors every record with a proof; an edited or deleted record is detected', async () => {
    await settle();
    const [first, second] = [...log.items.values()];
    if (first === undefined || second === undefined) throw new Error('no access records');
    const intact = proofSchema.parse((await as('hc.supervisor').get(`/access/log/${first.accessId}/proof`)).body);
    expect(intact).toMatchObject({ result: 'intact', leaf: intact.proof?.onChainLeaf });
    expect(verifyLogSchema.parse((await as('hc.supervisor').get('/access/log/verify')).body).intact).toBe(true);

    log.items.set(first.accessId, { ...first, raw: { ...(first.raw as object), purpose: 'RESEARCH' } });
    log.items.delete(second.accessId);
    const edited = proofSchema.parse((await as('resident.e').get(`/access/log/${first.accessId}/proof`)).body);
    expect(edited.result).toBe('edited');
    const verified = verifyLogSchema.parse((await as('hc.supervisor').get('/access/log/verify')).body);
    expect(verified.intact).toBe(false);
    expect(verified.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accessId: first.accessId, problem: 'EDITED' }),
        expect.objectContaining({ accessId: second.accessId, problem: 'MISSING' }),
      ]),
    );
    log.items.set(first.accessId, first);
    log.items.set(second.accessId, second);
  });

  it('shows a proof only to those concerned', async () => {
    const [first] = [...log.items.values()];
    expect((await as('insurer1').get(`/access/log/${first?.accessId ?? ''}/proof`)).status).toBe(403);
    expect((await as('resident.e').get('/access/log/verify')).status).toBe(403);
    const missing = await as('hc.supervisor').get('/access/log/00000000-0000-4000-8000-000000000000/proof');
    expect(errorOf(missing).code).toBe('ACCESS_RECORD_NOT_FOUND');
  });
});
