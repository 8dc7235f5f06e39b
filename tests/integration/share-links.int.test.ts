/**
 * Share links on the running platform: a resident shares fields of one of their records through a
 * link whose key only the link carries; whoever holds it opens the sealed copy without signing in;
 * every open, served or refused, is in the resident's access list and anchored on chain; a
 * withdrawn link answers 410 and its ciphertext is gone; a link to a record its hospital retracted
 * is refused (checked on the ledger at each open) and its ciphertext deleted.
 */
import { randomUUID } from 'node:crypto';
import { openEnvelope } from '@hdt/offchain-store';
import mongoose from 'mongoose';
import { MongoShareLinkStore, shareLinkModel } from '../../gateway-api/src/modules/share-links';
import { API_URL, call, eventually, labReportEntry, login, type Json } from './stack';

jest.setTimeout(120_000);

const ZHANG = 'c54b44e938774dc9cf73d6dba280c3b90037dd60fbde37eaea330965febeb8e0';
const RUN = Date.now().toString(36);
const RECORD = `SHARE-${RUN}`;
const FIELDS = { diagnosis: 'J18.9 community-acquired pneumonia', address: 'Qingpu' };

/** Opens a link as anyone holding it: no sign-in. */
async function open(linkId: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${API_URL}/share-links/${linkId}/content`);
  return { status: res.status, body: (await res.json()) as Json };
}

describe('share links on the platform', () => {
  const tokens: Record<string, string> = {};
  let db: mongoose.Connection;

  beforeAll(async () => {
    for (const user of ['h1.clerk', 'resident.zhang', 'resident.li']) tokens[user] = await login(user);
    const uri = process.env['GATEWAY_MONGODB_URI'];
    if (uri === undefined) throw new Error('GATEWAY_MONGODB_URI must be set');
    db = await mongoose.createConnection(uri).asPromise();
    const clerk = tokens['h1.clerk'] ?? '';
    const batch = await call(clerk, 'POST', '/records/batches', { records: [labReportEntry(RECORD, ZHANG, FIELDS)] });
    expect(batch.status).toBe(201);
    expect((await call(clerk, 'PUT', `/records/${RECORD}/content`, { fields: FIELDS })).status).toBe(200);
  });

  afterAll(async () => {
    await db.close();
  });

  test('a link opens to the chosen fields only, keeps no key on the server, and each open is audited', async () => {
    const zhang = tokens['resident.zhang'] ?? '';
    const made = await call(zhang, 'POST', '/share-links', {
      recordId: RECORD,
      fields: ['diagnosis'],
      expiresInMinutes: 60,
    });
    expect(made.status).toBe(201);
    const [linkId = '', keyHex = ''] = (String(made.body['url']).split('#')[1] ?? '').split('.');
    const opened = await open(linkId);
    expect(opened.status).toBe(200);
    const sealed = Buffer.from(String(opened.body['sealedBase64']), 'base64');
    const shared = JSON.parse(openEnvelope(sealed, Buffer.from(keyHex, 'hex')).toString()) as Json;
    expect(shared['fields']).toEqual({ diagnosis: FIELDS.diagnosis });

    const stored = await db.collection('share_links').findOne({ _id: linkId as never });
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(keyHex);

    const anchoredOpen = await eventually(
      async () => {
        const mine = (await call(zhang, 'GET', '/access/mine?limit=200')).body['accesses'] as Json[];
        return mine.find((a) => a['username'] === `share-link:${linkId}`);
      },
      (entry) => entry !== undefined && entry['anchor'] !== null,
      15,
    );
    expect(anchoredOpen).toMatchObject({ purpose: 'SHARE', outcome: 'ALLOWED', recordId: RECORD });
  });

  test('another resident can neither share the record nor withdraw the link; a withdrawn link answers 410', async () => {
    const zhang = tokens['resident.zhang'] ?? '';
    const li = tokens['resident.li'] ?? '';
    const body = { recordId: RECORD, fields: ['diagnosis'], expiresInMinutes: 5 };
    expect((await call(li, 'POST', '/share-links', body)).status).toBe(404);
    const made = await call(zhang, 'POST', '/share-links', body);
    const linkId = String(made.body['linkId']);
    expect((await call(li, 'DELETE', `/share-links/${linkId}`)).status).toBe(404);
    expect((await open(linkId)).status).toBe(200);

    const withdrawn = await call(zhang, 'DELETE', `/share-links/${linkId}`);
    expect(withdrawn).toMatchObject({ status: 200, body: { status: 'WITHDRAWN' } });
    expect(await open(linkId)).toMatchObject({ status: 410, body: { code: 'SHARE_LINK_WITHDRAWN' } });
    const stored = await db.collection('share_links').findOne({ _id: linkId as never });
    expect(stored?.['sealed'] ?? null).toBeNull();
    const mine = (await call(zhang, 'GET', '/access/mine?limit=200')).body['accesses'] as Json[];
    const opens = mine.filter((a) => a['username'] === `share-link:${linkId}`).map((a) => a['outcome']);
    expect(opens.sort()).toEqual(['ALLOWED', 'REFUSED']);
  });

  test('a link to a record its hospital then retracted is refused, recorded, and its ciphertext deleted', async () => {
    const zhang = tokens['resident.zhang'] ?? '';
    const clerk = tokens['h1.clerk'] ?? '';
    const record = `${RECORD}-R`;
    const batch = await call(clerk, 'POST', '/records/batches', { records: [labReportEntry(record, ZHANG, FIELDS)] });
    expect(batch.status).toBe(201);
    expect((await call(clerk, 'PUT', `/records/${record}/content`, { fields: FIELDS })).status).toBe(200);
    const made = await call(zhang, 'POST', '/share-links', {
      recordId: record,
      fields: ['diagnosis'],
      expiresInMinutes: 5,
    });
    const linkId = String(made.body['linkId']);
    expect((await open(linkId)).status).toBe(200);

    const retracted = await call(clerk, 'POST', `/records/${record}/retract`, {
      reason: 'entered for the wrong patient',
    });
    expect(retracted.status).toBe(200);
    expect(await open(linkId)).toMatchObject({ status: 409, body: { code: 'RECORD_RETRACTED' } });
    const stored = await db.collection('share_links').findOne({ _id: linkId as never });
    expect(stored?.['sealed'] ?? null).toBeNull();
    const mine = (await call(zhang, 'GET', '/access/mine?limit=200')).body['accesses'] as Json[];
    const refused = mine.find((a) => a['username'] === `share-link:${linkId}` && a['outcome'] === 'REFUSED');
    expect(refused).toMatchObject({ reason: 'RECORD_RETRACTED', recordId: record });
  });
});

describe('the expiry sweep on the database', () => {
  let db: mongoose.Connection;

  beforeAll(async () => {
    const uri = process.env['MONGODB_URI'];
    if (uri === undefined) throw new Error('MONGODB_URI must be set');
    db = await mongoose.createConnection(uri).asPromise();
    await shareLinkModel(db).init();
  });

  afterAll(async () => {
    await db.close();
  });

  test('clears only content still held, and marks the links an earlier version stored so the sweep finds them', async () => {
    const model = shareLinkModel(db);
    const links = new MongoShareLinkStore(model);
    const now = Date.now();
    const base = (minutes: number, sealed: Buffer | null) => ({
      _id: randomUUID(),
      residentId: ZHANG,
      recordId: RECORD,
      recordType: 'LAB_REPORT',
      fields: ['diagnosis'],
      createdAt: new Date(now - 120 * 60_000),
      expiresAt: new Date(now + minutes * 60_000),
      withdrawnAt: null,
      sealed,
      opens: 0,
    });
    // Stored by an earlier version: no sealedUntil.
    const legacy = [base(-30, Buffer.from('sealed-1')), base(30, Buffer.from('sealed-2')), base(-60, null)];
    await model.collection.insertMany(legacy as never[]);
    const stateOf = async (id: string) => {
      const doc = await model.collection.findOne({ _id: id as never });
      return { held: doc?.['sealed'] !== null, sealedUntil: doc?.['sealedUntil'] as unknown };
    };
    await links.discardExpired(new Date(now));
    expect(await stateOf(legacy[0]!._id)).toEqual({ held: true, sealedUntil: undefined });

    expect(await links.adoptUnmarked()).toBeGreaterThanOrEqual(3);
    expect(await links.adoptUnmarked()).toBe(0);
    const { _id: linkId, ...fields } = base(-10, null);
    const added = { ...fields, linkId, recordType: 'LAB_REPORT' as const, sealed: new Uint8Array([1, 2, 3]) };
    await links.add(added);
    expect(await stateOf(added.linkId)).toEqual({ held: true, sealedUntil: added.expiresAt });

    expect(await links.discardExpired(new Date(now))).toBeGreaterThanOrEqual(2);
    expect(await links.discardExpired(new Date(now))).toBe(0);
    expect(await stateOf(legacy[0]!._id)).toEqual({ held: false, sealedUntil: null });
    expect(await stateOf(legacy[1]!._id)).toEqual({ held: true, sealedUntil: legacy[1]!.expiresAt });
    expect(await stateOf(legacy[2]!._id)).toEqual({ held: false, sealedUntil: null });
    expect(await stateOf(added.linkId)).toEqual({ held: false, sealedUntil: null });
  });
});
