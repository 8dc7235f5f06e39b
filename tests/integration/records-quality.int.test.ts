/**
 * Data quality and the EMPI end to end against the running consortium, FerretDB and the gateway:
 * a batch with good and bad entries puts the good ones on chain (read back with another
 * organisation's Fabric identity) and the bad ones in the error store; one is corrected and
 * resubmitted; the day's counts grow by what was accepted and rejected. Two hospitals' patients
 * with the same ID number become one resident whose view holds both hospitals' records; a
 * demographic twin is merged in and split out again by the health commission, both audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { call, connectionFile, gatewayFor, login, type Json } from './stack';

jest.setTimeout(180_000);

interface Violation {
  rule: string;
  field: string;
}
interface Rejected {
  index: number;
  errorId: string;
  violations: Violation[];
}

const RUN = randomBytes(4).toString('hex');
const sm3Hex = (data: string): string => createHash('sm3').update(data).digest('hex');

function entry(recordId: string, patient: string, overrides: Json = {}): Json {
  return {
    recordId,
    patientId: sm3Hex(patient),
    encounterId: `V-${RUN}-${patient}`,
    type: 'LAB_REPORT',
    recordedAt: new Date(Date.now() - 3_600_000).toISOString(),
    digest: sm3Hex(`copy of ${recordId}`),
    classification: 2,
    pointer: `his://records/${recordId}`,
    diagnosisCodes: ['J18.900'],
    ...overrides,
  };
}

/** A resident ID number of this run with its GB 11643 check character. */
function idNumber(seed: number): string {
  const body = `1101051980${String(seed % 10_000_000).padStart(7, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return `${body}${'10X98765432'[sum % 11] ?? ''}`;
}

/** Whether a record is indexed, read on the insurer's peer with its own Fabric identity. */
async function onChain(recordId: string): Promise<boolean> {
  const conn = connectionFile();
  const insurer = gatewayFor('InsurerMSP');
  try {
    const contract = insurer.gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'records');
    await contract.evaluateTransaction('ReadRecord', recordId);
    return true;
  } catch (err) {
    const details = JSON.stringify((err as { details?: unknown }).details ?? null);
    if (`${String(err)} ${details}`.includes('RECORD_NOT_FOUND')) return false;
    throw err;
  } finally {
    insurer.gateway.close();
    insurer.client.close();
  }
}

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function counts(token: string): Promise<{ accepted: number; rejected: number }> {
  const res = await call(token, 'GET', `/records/quality?from=${today()}&to=${today()}`);
  expect(res.status).toBe(200);
  const totals = res.body.totals as { org: string; accepted: number; rejected: number }[];
  return totals.find((t) => t.org === 'Hospital1MSP') ?? { accepted: 0, rejected: 0 };
}

describe('data quality at registration', () => {
  const id = (n: number) => `DQ-${RUN}-${n}`;
  let doctor: string;
  let before: { accepted: number; rejected: number };
  let rejected: Rejected[];

  beforeAll(async () => {
    doctor = await login('h1.doctor');
    before = await counts(doctor);
  });

  it('registers the good entries on chain and keeps the bad ones in the error store with their rules', async () => {
    const records = [
      entry(id(1), 'a'),
      entry(id(2), 'a', { classification: 9 }),
      entry(id(3), 'a'),
      entry(id(4), 'a', { recordedAt: '2099-01-01T00:00:00.000Z', diagnosisCodes: ['flu'] }),
      entry(id(1), 'a'),
      { recordId: id(5) },
    ];
    const res = await call(doctor, 'POST', '/records/batches', { records });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toEqual([
      { index: 0, recordId: id(1) },
      { index: 2, recordId: id(3) },
    ]);
    rejected = res.body.rejected as Rejected[];
    expect(rejected.map((r) => [r.index, r.violations.map((v) => v.rule)])).toEqual([
      [1, ['CLASSIFICATION_RANGE']],
      [3, ['TIME_IN_FUTURE', 'DIAGNOSIS_CODE_FORMAT']],
      [4, ['DUPLICATE_IN_BATCH']],
      [5, Array(7).fill('REQUIRED_FIELD')],
    ]);
    expect([await onChain(id(1)), await onChain(id(3)), await onChain(id(2)), await onChain(id(4))]).toEqual([
      true,
      true,
      false,
      false,
    ]);

    const list = await call(doctor, 'GET', '/records/errors?status=OPEN&limit=200');
    const listed = (list.body.items as { id: string }[]).map((e) => e.id);
    for (const r of rejected) expect(listed).toContain(r.errorId);
    const other = await call(await login('h2.doctor'), 'GET', '/records/errors?limit=200');
    expect((other.body.items as { id: string }[]).map((e) => e.id)).not.toContain(rejected[0]?.errorId);
  });

  it('rejects an entry already on the ledger by rule, without failing the batch', async () => {
    const res = await call(doctor, 'POST', '/records/batches', { records: [entry(id(1), 'a'), entry(id(6), 'a')] });
    expect(res.status).toBe(201);
    expect((res.body.rejected as Rejected[]).map((r) => r.violations[0]?.rule)).toEqual(['DUPLICATE_ON_LEDGER']);
    expect(await onChain(id(6))).toBe(true);
  });

  it('takes a corrected entry: on chain, error resolved; a still-wrong correction changes nothing', async () => {
    const errorId = rejected[0]?.errorId ?? '';
    const wrong = await call(doctor, 'POST', `/records/errors/${errorId}/resubmit`, {
      record: entry(id(2), 'a', { classification: 0 }),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('RECORD_QUALITY_FAILED');
    expect(await onChain(id(2))).toBe(false);

    const fixed = await call(doctor, 'POST', `/records/errors/${errorId}/resubmit`, { record: entry(id(2), 'a') });
    expect(fixed.status).toBe(200);
    expect(fixed.body.error).toMatchObject({ status: 'RESOLVED', resolution: { recordId: id(2) } });
    expect(await onChain(id(2))).toBe(true);
    const again = await call(doctor, 'POST', `/records/errors/${errorId}/resubmit`, { record: entry(id(7), 'a') });
    expect(again.status).toBe(409);
    const open = await call(doctor, 'GET', '/records/errors?status=OPEN&limit=200');
    expect((open.body.items as { id: string }[]).map((e) => e.id)).not.toContain(errorId);
  });

  it("counts the day's accepted and rejected entries of the hospital", async () => {
    const after = await counts(doctor);
    expect(after.accepted - before.accepted).toBe(4);
    expect(after.rejected - before.rejected).toBe(5);
    const commission = await call(
      await login('hc.supervisor'),
      'GET',
      `/records/quality?from=${today()}&to=${today()}`,
    );
    expect((commission.body.totals as { org: string }[]).map((t) => t.org)).toContain('Hospital1MSP');
  });
});

describe('the EMPI', () => {
  const ID = idNumber(Number.parseInt(RUN.slice(0, 6), 16));
  const twinName = `测试${RUN}`;
  let h1: string;
  let h2: string;
  let hc: string;
  let resident = '';
  let twin = '';

  beforeAll(async () => {
    [h1, h2, hc] = await Promise.all([login('h1.doctor'), login('h2.doctor'), login('hc.supervisor')]);
    const r1 = await call(h1, 'POST', '/records/batches', { records: [entry(`EM-${RUN}-1`, `${RUN}-p1`)] });
    const r2 = await call(h2, 'POST', '/records/batches', { records: [entry(`EM-${RUN}-2`, `${RUN}-p2`)] });
    const r3 = await call(h2, 'POST', '/records/batches', { records: [entry(`EM-${RUN}-3`, `${RUN}-p3`)] });
    expect([r1.status, r2.status, r3.status]).toEqual([201, 201, 201]);
  });

  it("links two hospitals' patients with the same ID number into one resident view", async () => {
    const demographics = { name: twinName, birthDate: '1980-01-01', sex: 'female' };
    const a = await call(h1, 'POST', '/empi/links', {
      patientId: sm3Hex(`${RUN}-p1`),
      localPatientId: `MRN-${RUN}-1`,
      idNumber: ID,
      ...demographics,
    });
    const b = await call(h2, 'POST', '/empi/links', {
      patientId: sm3Hex(`${RUN}-p2`),
      localPatientId: `OP-${RUN}`,
      idNumber: ID,
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.residentId).toBe(a.body.residentId);
    resident = String(a.body.residentId);

    const view = await call(hc, 'GET', `/empi/residents/${resident}`);
    expect(view.status).toBe(200);
    const encounters = view.body.encounters as { org: string; records: { recordId: string }[] }[];
    expect(encounters.map((e) => [e.org, e.records.map((r) => r.recordId)])).toEqual([
      ['Hospital1MSP', [`EM-${RUN}-1`]],
      ['Hospital2MSP', [`EM-${RUN}-2`]],
    ]);
    expect(JSON.stringify(view.body)).not.toContain(ID);
  });

  it('merges a demographic twin in and splits it out again, both audited in one SM3 chain', async () => {
    const t = await call(h2, 'POST', '/empi/links', {
      patientId: sm3Hex(`${RUN}-p3`),
      localPatientId: `OP-${RUN}-3`,
      name: twinName,
      birthDate: '1980-01-01',
      sex: 'female',
    });
    expect(t.status).toBe(201);
    twin = String(t.body.residentId);
    expect(t.body.candidates).toEqual([resident]);

    const merged = await call(hc, 'POST', '/empi/merges', {
      sourceResidentId: twin,
      targetResidentId: resident,
      reason: 'same person, confirmed by phone',
    });
    expect(merged.status).toBe(200);
    expect((merged.body.resident as { links: unknown[] }).links).toHaveLength(3);

    const split = await call(hc, 'POST', '/empi/splits', {
      residentId: resident,
      links: [{ org: 'Hospital2MSP', patientId: sm3Hex(`${RUN}-p3`) }],
      reason: 'a namesake after all',
    });
    expect(split.status).toBe(201);
    const audit = split.body.audit as { seq: number; prevHash: string };
    expect(audit.prevHash).toBe((merged.body.audit as { hash: string }).hash);

    const trail = await call(hc, 'GET', `/empi/audit?residentId=${resident}`);
    const entries = trail.body.entries as { action: string; actor: string; reason: string }[];
    expect(entries.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['SPLIT', 'hc.supervisor', 'a namesake after all'],
      ['MERGE', 'hc.supervisor', 'same person, confirmed by phone'],
    ]);
    const view = await call(hc, 'GET', `/empi/residents/${resident}`);
    expect((view.body.links as unknown[]).length).toBe(2);
  });

  it('anchors the audit head on chain, and reports an entry edited in the database', async () => {
    const verdict = await call(hc, 'GET', '/empi/audit/verify');
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ firstBroken: null, headMatches: true, unanchored: 0, intact: true });
    const head = verdict.body.anchoredHead as { seq: number; txId: string };
    expect(head.seq).toBe(verdict.body.lastSeq);

    const uri = process.env['GATEWAY_MONGODB_URI'];
    if (uri === undefined) throw new Error('GATEWAY_MONGODB_URI must be set');
    const db = await mongoose.createConnection(uri).asPromise();
    const audit = db.collection<{ seq: number; reason: string }>('empi_audit');
    const original = await audit.findOne({ seq: head.seq });
    try {
      await audit.updateOne({ seq: head.seq }, { $set: { reason: 'nothing happened here' } });
      const edited = await call(hc, 'GET', '/empi/audit/verify');
      expect(edited.body).toMatchObject({ firstBroken: head.seq, intact: false });
    } finally {
      await audit.updateOne({ seq: head.seq }, { $set: { reason: original?.reason ?? '' } });
      await db.close();
    }
    expect((await call(hc, 'GET', '/empi/audit/verify')).body).toMatchObject({ intact: true });
  });
});
