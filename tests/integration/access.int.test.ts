/**
 * The access path end to end on the running platform: a hospital stores a record's content
 * (sealed, in IPFS), a doctor reads it under a resident's grant that the access contract checks on
 * chain, every access is recorded before anything is released and anchored on chain under an SM3
 * Merkle root; the resident sees every access; tampering off chain is detected.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, DEFAULT_POLICY_PREFERENCES, merkleLeaf, verifyMerkleProof } from '@hdt/vocabulary';
import mongoose from 'mongoose';
import { residentKey, signed, type KeyPair } from './resident-keys';
import { call, connectionFile, gatewayFor, labReportEntry, login, type Json, type Outcome } from './stack';

jest.setTimeout(300_000);

const sm3 = (data: Uint8Array): Uint8Array => createHash('sm3').update(data).digest();
const ZHANG = 'c54b44e938774dc9cf73d6dba280c3b90037dd60fbde37eaea330965febeb8e0';
const LI = '9ff8141a7525839e4354f0036dd56729d3689abcd1b1f1929533d2cf7a42dd5c';
const RUN = Date.now().toString(36);
const FIELDS = {
  diagnosis: 'J18.9 community-acquired pneumonia',
  labResults: { crp: 56, wbc: 11.2 },
  address: 'Qingpu',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function terms(grantId: string, overrides: Json = {}): Json {
  const now = Date.now();
  return {
    grantId,
    grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['diagnosis', 'labResults'] },
    notBefore: new Date(now - 60_000).toISOString(),
    notAfter: new Date(now + 86_400_000).toISOString(),
    useLimit: null,
    ...overrides,
  };
}

/** The access record id a refusal's message names. */
function refusedId(outcome: Outcome, reason: string): string {
  expect({ status: outcome.status, code: outcome.body['code'] }).toEqual({ status: 403, code: 'ACCESS_REFUSED' });
  const message = String(outcome.body['message']);
  expect(message.startsWith(`${reason}: `)).toBe(true);
  return message.slice(-36);
}

describe('the access path on the platform', () => {
  const A = `ACC-${RUN}-A`;
  const B = `ACC-${RUN}-B`;
  /** Zhang's encounter record at Hospital1, beside the lab report A. */
  const C = `ACC-${RUN}-C`;
  const tokens: Record<string, string> = {};
  let zhangKey: KeyPair;
  let db: mongoose.Connection;
  const refusals: string[] = [];

  const read = (user: string, recordId: string, body: Json) =>
    call(tokens[user] ?? '', 'POST', `/access/records/${recordId}`, body);
  const grant = async (grantId: string, overrides: Json = {}) => {
    const res = await signed(
      tokens['resident.zhang'] ?? '',
      zhangKey,
      { op: 'consent.grant', grant: terms(grantId, overrides) },
      '/consent/grants',
    );
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    for (const user of [
      'h1.clerk',
      'h1.doctor',
      'h2.doctor',
      'h1.emergency',
      'resident.zhang',
      'resident.li',
      'hc.supervisor',
    ]) {
      tokens[user] = await login(user);
    }
    zhangKey = await residentKey('resident.zhang', tokens['resident.zhang'] ?? '');
    const uri = process.env['GATEWAY_MONGODB_URI'];
    if (uri === undefined) throw new Error('GATEWAY_MONGODB_URI must be set');
    db = await mongoose.createConnection(uri).asPromise();
    const batch = await call(tokens['h1.clerk'] ?? '', 'POST', '/records/batches', {
      records: [
        labReportEntry(A, ZHANG, FIELDS),
        labReportEntry(B, LI, FIELDS),
        { ...labReportEntry(C, ZHANG, FIELDS), type: 'ENCOUNTER' },
      ],
    });
    expect(batch.status).toBe(201);
    for (const id of [A, B, C]) {
      const stored = await call(tokens['h1.clerk'] ?? '', 'PUT', `/records/${id}/content`, { fields: FIELDS });
      expect({ status: stored.status, pointer: String(stored.body['pointer']).startsWith('ipfs:') }).toEqual({
        status: 200,
        pointer: true,
      });
    }
  });

  afterAll(async () => {
    await db.close();
  });

  test('an allowed read returns only the granted fields; others are withheld or refused', async () => {
    const grantId = `g-acc-${RUN}`;
    await grant(grantId);
    const allowed = await read('h2.doctor', A, {
      purpose: 'TREATMENT',
      fields: ['diagnosis', 'labResults', 'address'],
      grantId,
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body['fields']).toEqual({ diagnosis: FIELDS.diagnosis, labResults: FIELDS.labResults });
    expect(allowed.body['withheldFields']).toEqual(['address']);
    expect(String(allowed.body['watermark'])).toContain('h2.doctor');

    refusals.push(
      refusedId(
        await read('h2.doctor', A, { purpose: 'REFERRAL', fields: ['diagnosis'], grantId }),
        'PURPOSE_MISMATCH',
      ),
    );
    refusals.push(
      refusedId(
        await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['address'], grantId }),
        'FIELDS_OUT_OF_SCOPE',
      ),
    );
    const otherResident = await read('h2.doctor', B, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId });
    refusals.push(refusedId(otherResident, 'GRANT_NOT_FOUND'));
    const liSees = (await call(tokens['resident.li'] ?? '', 'GET', '/access/mine')).body['accesses'] as Json[];
    expect(liSees.map((a) => a['accessId'])).toContain(refusals.at(-1));
  });

  test('a revoked grant is refused on the very next request; an expired one too', async () => {
    const grantId = `g-acc-rev-${RUN}`;
    await grant(grantId);
    expect((await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId })).status).toBe(200);
    const revoked = await signed(
      tokens['resident.zhang'] ?? '',
      zhangKey,
      { op: 'consent.revoke', grantId },
      `/consent/grants/${grantId}/revoke`,
    );
    expect(revoked.status).toBe(200);
    refusals.push(
      refusedId(await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId }), 'GRANT_REVOKED'),
    );

    const shortId = `g-acc-exp-${RUN}`;
    await grant(shortId, { notAfter: new Date(Date.now() + 6_000).toISOString() });
    await sleep(8_000);
    refusals.push(
      refusedId(
        await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId: shortId }),
        'GRANT_EXPIRED',
      ),
    );
  });

  test('a use-limited grant is counted on chain; other reads are ruled by a ledger query', async () => {
    const grantId = `g-acc-once-${RUN}`;
    await grant(grantId, { useLimit: 1 });
    const body = { purpose: 'TREATMENT', fields: ['diagnosis'], grantId };
    const once = await read('h2.doctor', A, body);
    expect({ status: once.status, committed: typeof once.body['decisionTxId'] }).toEqual({
      status: 200,
      committed: 'string',
    });
    refusals.push(refusedId(await read('h2.doctor', A, body), 'USE_LIMIT_REACHED'));
    const unlimited = `g-acc-free-${RUN}`;
    await grant(unlimited);
    const queried = await read('h2.doctor', A, { ...body, grantId: unlimited });
    expect({ status: queried.status, decisionTxId: queried.body['decisionTxId'] }).toEqual({
      status: 200,
      decisionTxId: null,
    });
  });

  test("a user whose role reads no records is refused, and the attempt is in the resident's list", async () => {
    const clerk = await read('h1.clerk', A, { purpose: 'TREATMENT', fields: ['diagnosis'] });
    expect({ status: clerk.status, code: clerk.body['code'] }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const accessId = String(clerk.body['message']).slice(-36);
    const mine = (await call(tokens['resident.zhang'] ?? '', 'GET', '/access/mine?limit=200')).body[
      'accesses'
    ] as Json[];
    expect(mine.find((a) => a['accessId'] === accessId)).toMatchObject({
      username: 'h1.clerk',
      outcome: 'REFUSED',
      reason: 'ROLE_NOT_ALLOWED',
    });
  });

  test('every refusal is recorded and visible to the resident', async () => {
    const mine = (await call(tokens['resident.zhang'] ?? '', 'GET', '/access/mine?limit=200')).body[
      'accesses'
    ] as Json[];
    for (const id of refusals.filter((_, i) => i !== 2)) {
      expect(mine.find((a) => a['accessId'] === id)).toMatchObject({
        outcome: 'REFUSED',
        username: 'h2.doctor',
        mspId: 'Hospital2MSP',
      });
    }
  });

  /** The access record's proof as `user` sees it, asked every 200 ms until it is intact or `ms` have passed. */
  async function anchoredProof(user: string, accessId: string, ms: number): Promise<Json> {
    const started = Date.now();
    let proof: Json = {};
    while (Date.now() - started < ms) {
      proof = (await call(tokens[user] ?? '', 'GET', `/access/log/${accessId}/proof`)).body;
      if (proof['result'] === 'intact') break;
      await sleep(200);
    }
    return proof;
  }

  test('a read of an id that names no record is refused 404, recorded with no resident and anchored', async () => {
    const res = await read('h2.doctor', `ACC-${RUN}-NONE`, { purpose: 'TREATMENT', fields: ['diagnosis'] });
    expect({ status: res.status, code: res.body['code'] }).toEqual({ status: 404, code: 'RECORD_NOT_FOUND' });
    const accessId = String(res.body['message']).slice(-36);
    const proof = await anchoredProof('h2.doctor', accessId, 10_000);
    expect(proof).toMatchObject({
      result: 'intact',
      record: { username: 'h2.doctor', residentId: null, recordType: null, reason: 'RECORD_NOT_FOUND' },
    });
  });

  test('content changed off chain is detected: its digest is not the one on chain', async () => {
    const grantId = `g-acc-tamper-${RUN}`;
    await grant(grantId);
    const contents = db.collection('record_contents');
    const original = await contents.findOne({ _id: A as never });
    const other = await contents.findOne({ _id: B as never });
    await contents.updateOne({ _id: A as never }, { $set: { document: other?.['document'] } });
    try {
      const tampered = await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId });
      expect({ status: tampered.status, code: tampered.body['code'] }).toEqual({
        status: 409,
        code: 'CONTENT_DIGEST_MISMATCH',
      });
    } finally {
      await contents.updateOne({ _id: A as never }, { $set: { document: original?.['document'] } });
    }
  });

  test('each access record is anchored within 5 s with a proof; an edited one is detected', async () => {
    const grantId = `g-acc-anchor-${RUN}`;
    await grant(grantId);
    const res = await read('h2.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'], grantId });
    const accessId = String(res.body['accessId']);
    const proof = await anchoredProof('resident.zhang', accessId, 5_000);
    expect(proof['result']).toBe('intact');
    const steps = proof['proof'] as Json;
    expect(verifyMerkleProof(sm3, String(proof['leaf']), steps['steps'] as never, String(steps['root']))).toBe(true);
    const record = proof['record'] as Json;
    const entry = Object.fromEntries(Object.entries(record).filter(([name]) => name !== 'anchor'));
    expect(merkleLeaf(sm3, canonicalJson(entry))).toBe(proof['leaf']);
    expect(Date.parse(String(steps['anchoredAt'])) - Date.parse(String(record['at']))).toBeLessThanOrEqual(5_000);

    const { gateway, client } = gatewayFor('Hospital1MSP');
    try {
      const conn = connectionFile();
      const contract = gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'access');
      const onChain = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('ReadAnchor', String(steps['anchorId']))).toString(),
      ) as Json;
      expect(onChain['root']).toBe(steps['root']);
    } finally {
      gateway.close();
      client.close();
    }

    const log = db.collection('access_log');
    await log.updateOne({ _id: accessId as never }, { $set: { 'entry.purpose': 'RESEARCH' } });
    try {
      const edited = await call(tokens['resident.zhang'] ?? '', 'GET', `/access/log/${accessId}/proof`);
      expect(edited.body['result']).toBe('edited');
      const verified = (await call(tokens['hc.supervisor'] ?? '', 'GET', '/access/log/verify')).body;
      expect(verified['intact']).toBe(false);
      expect(verified['problems']).toContainEqual(expect.objectContaining({ accessId, problem: 'EDITED' }));
    } finally {
      await log.updateOne({ _id: accessId as never }, { $set: { 'entry.purpose': 'TREATMENT' } });
    }
  });

  test("the resident narrows the hospital's own-records policy for a record type: refused and recorded, other types read", async () => {
    const narrow = (preferences: Json) =>
      signed(tokens['resident.zhang'] ?? '', zhangKey, { op: 'consent.policies', preferences }, '/consent/policies');
    const defaults: Json = {
      sourceOrg: { ...DEFAULT_POLICY_PREFERENCES.sourceOrg },
      breakGlass: { ...DEFAULT_POLICY_PREFERENCES.breakGlass },
    };
    const narrowed = await narrow({
      ...defaults,
      sourceOrg: { ...DEFAULT_POLICY_PREFERENCES.sourceOrg, excludedRecordTypes: ['LAB_REPORT'] },
    });
    expect(narrowed.status).toBe(200);
    const notes = (await call(tokens['resident.zhang'] ?? '', 'GET', '/notifications?unread=true')).body;
    const txId = String(narrowed.body['txId']);
    expect((notes['notifications'] as Json[]).find((note) => (note['ref'] as Json)['id'] === txId)).toMatchObject({
      type: 'POLICIES_CHANGED',
    });
    try {
      const accessId = refusedId(
        await read('h1.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'] }),
        'POLICY_NARROWED',
      );
      const mine = (await call(tokens['resident.zhang'] ?? '', 'GET', '/access/mine?limit=200')).body[
        'accesses'
      ] as Json[];
      expect(mine.find((a) => a['accessId'] === accessId)).toMatchObject({
        outcome: 'REFUSED',
        reason: 'POLICY_NARROWED',
        username: 'h1.doctor',
        mspId: 'Hospital1MSP',
      });
      const other = await read('h1.doctor', C, { purpose: 'TREATMENT', fields: ['diagnosis'] });
      expect({ status: other.status, basis: other.body['basis'] }).toEqual({ status: 200, basis: 'SOURCE_ORG' });
    } finally {
      expect((await narrow(defaults)).status).toBe(200);
    }
    expect((await read('h1.doctor', A, { purpose: 'TREATMENT', fields: ['diagnosis'] })).status).toBe(200);
  });

  test('break-glass is marked, listed for review and shown to the resident', async () => {
    const reason = 'Unconscious patient in resuscitation, no consent possible';
    const res = await read('h1.emergency', A, {
      purpose: 'EMERGENCY',
      fields: ['diagnosis'],
      breakGlassReason: reason,
    });
    expect(res.body).toMatchObject({ basis: 'BREAK_GLASS', breakGlass: true, fields: { diagnosis: FIELDS.diagnosis } });
    const listed = (await call(tokens['hc.supervisor'] ?? '', 'GET', '/access/break-glass')).body['accesses'] as Json[];
    expect(listed.find((a) => a['accessId'] === res.body['accessId'])).toMatchObject({
      breakGlass: true,
      breakGlassReason: reason,
      username: 'h1.emergency',
    });
    const mine = (await call(tokens['resident.zhang'] ?? '', 'GET', '/access/mine')).body['accesses'] as Json[];
    expect(mine.find((a) => a['accessId'] === res.body['accessId'])).toMatchObject({ breakGlass: true });
    expect(
      (await read('h2.doctor', A, { purpose: 'EMERGENCY', fields: ['diagnosis'], breakGlassReason: reason })).status,
    ).toBe(403);
  });
});
