import { createHash } from 'node:crypto';
import { openEnvelope } from '@hdt/offchain-store';
import { canonicalJson } from '@hdt/vocabulary';
import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { appWithUsers, caller, harness } from '../../../test/harness';
import { accessListSchema } from '../access/schemas';
import { InMemoryAccessLog, InMemoryRecordContents } from '../access/stores';
import { createdShareLinkSchema, shareContentSchema, shareLinkListSchema, shareLinkSchema } from './schemas';
import { InMemoryShareLinkStore } from './store';

jest.setTimeout(60_000);

const RESIDENT = 'e5'.repeat(32);
const OTHER_RESIDENT = 'f6'.repeat(32);
const USERS = [
  { username: 'clerk1', displayName: 'K1', mspId: 'Hospital1MSP', role: 'billing_clerk' },
  { username: 'h1.doctor', displayName: 'Doctor One', mspId: 'Hospital1MSP', role: 'doctor', department: 'GP' },
  { username: 'resident.e', displayName: 'E', mspId: 'HealthCommMSP', role: 'resident', residentId: RESIDENT },
  { username: 'resident.f', displayName: 'F', mspId: 'HealthCommMSP', role: 'resident', residentId: OTHER_RESIDENT },
];

const FIELDS = { diagnosis: 'J18.9 pneumonia', labResults: { crp: 56, wbc: 11.2 }, address: '1 Lane, Qingpu' };
const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');
const digestOf = (recordId: string) => sm3Hex(canonicalJson({ recordId, fields: FIELDS, attachment: null }));
const errorOf = (res: { body: unknown }) => z.object({ code: z.string(), message: z.string() }).parse(res.body);
const sharedShape = z.object({
  recordId: z.string(),
  recordType: z.string(),
  fields: z.record(z.string(), z.unknown()),
  missingFields: z.array(z.string()),
  attachment: z.null(),
});

let app: Express;
let now = new Date();
const log = new InMemoryAccessLog();
const links = new InMemoryShareLinkStore();
let tokens: Record<string, string> = {};
let sweepExpired: () => Promise<number>;

const as = (username: string) => caller(app, tokens[username]);

const open = (linkId: string) => request(app).get(`/api/v1/share-links/${linkId}/content`);

function entry(recordId: string, patientId: string) {
  const base = { encounterId: 'ENC-1', recordedAt: '2026-11-20T08:30:00.000Z', classification: 3, type: 'LAB_REPORT' };
  return { ...base, recordId, patientId, digest: digestOf(recordId), pointer: `his://h1/${recordId}` };
}

/** Shares and answers the link with its key, taken apart from the url. */
async function share(body: object = {}) {
  const res = await as('resident.e').post('/share-links', {
    recordId: 'S-1',
    fields: ['diagnosis', 'labResults.crp'],
    expiresInMinutes: 60,
    ...body,
  });
  expect(res.status).toBe(201);
  const link = createdShareLinkSchema.parse(res.body);
  const [linkId, keyHex] = (link.url.split('#')[1] ?? '').split('.');
  return { link, linkId: linkId ?? '', key: Buffer.from(keyHex ?? '', 'hex') };
}

beforeAll(async () => {
  const h = await harness({
    access: { log, contents: new InMemoryRecordContents() },
    shareLinks: links,
    clock: () => now,
  });
  ({ app, tokens } = await appWithUsers(h.services, USERS));
  sweepExpired = () => h.services.shareLinks.sweepExpired();
  const records = [
    entry('S-1', RESIDENT),
    entry('S-2', OTHER_RESIDENT),
    entry('S-3', RESIDENT),
    entry('S-4', RESIDENT),
  ];
  expect((await as('clerk1').post('/records/batches', { records })).status).toBe(201);
  for (const id of ['S-1', 'S-2', 'S-3', 'S-4'])
    expect((await as('clerk1').put(`/records/${id}/content`, { fields: FIELDS })).status).toBe(200);
  const retracted = await as('clerk1').post('/records/S-3/retract', { reason: 'entered for the wrong patient' });
  expect(retracted.status).toBe(200);
});

beforeEach(() => {
  now = new Date();
});

describe('creating a share link', () => {
  it('seals the chosen fields under a key that only the url carries', async () => {
    const { link, linkId, key } = await share();
    expect(link).toMatchObject({ recordId: 'S-1', status: 'ACTIVE', opens: 0, withdrawnAt: null });
    expect(link.url).toMatch(/^\/app\/share\.html#[0-9a-f-]{36}\.[0-9a-f]{64}$/);
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(60 * 60_000);
    const content = shareContentSchema.parse((await open(linkId).expect(200)).body);
    const shared = sharedShape.parse(
      JSON.parse(openEnvelope(Buffer.from(content.sealedBase64, 'base64'), key).toString()),
    );
    expect(shared).toMatchObject({ recordId: 'S-1', missingFields: [] });
    expect(shared.fields).toEqual({ diagnosis: FIELDS.diagnosis, 'labResults.crp': 56 });
  });

  it('keeps no key material on the server', async () => {
    const { linkId, key } = await share();
    const stored = links.items.get(linkId);
    expect(stored?.sealed).not.toBeNull();
    const text = JSON.stringify(stored, (_k, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
    );
    expect(text).not.toContain(key.toString('hex'));
    expect(text).not.toContain(key.subarray(0, 16).toString('hex'));
    expect(Buffer.from(stored?.sealed ?? []).includes(key.subarray(0, 16))).toBe(false);
    expect(Object.keys(stored ?? {}).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'fields',
      'linkId',
      'opens',
      'recordId',
      'recordType',
      'residentId',
      'sealed',
      'withdrawnAt',
    ]);
  });

  it('shares every field with ["*"]', async () => {
    const { linkId, key } = await share({ fields: ['*'] });
    const content = shareContentSchema.parse((await open(linkId).expect(200)).body);
    const shared = sharedShape.parse(
      JSON.parse(openEnvelope(Buffer.from(content.sealedBase64, 'base64'), key).toString()),
    );
    expect(shared.fields).toEqual(FIELDS);
  });

  it("refuses another resident's record, a retracted one, and anyone but a resident", async () => {
    const other = await as('resident.e').post('/share-links', {
      recordId: 'S-2',
      fields: ['diagnosis'],
      expiresInMinutes: 5,
    });
    expect({ status: other.status, code: errorOf(other).code }).toEqual({ status: 404, code: 'RECORD_NOT_FOUND' });
    expect(errorOf(other).message).toContain('S-2');
    const retracted = await as('resident.e').post('/share-links', {
      recordId: 'S-3',
      fields: ['diagnosis'],
      expiresInMinutes: 5,
    });
    expect({ status: retracted.status, code: errorOf(retracted).code }).toEqual({
      status: 409,
      code: 'RECORD_RETRACTED',
    });
    const doctor = await as('h1.doctor').post('/share-links', {
      recordId: 'S-1',
      fields: ['diagnosis'],
      expiresInMinutes: 5,
    });
    expect(doctor.status).toBe(403);
    expect(
      (await as('resident.e').post('/share-links', { recordId: 'NOPE', fields: ['a'], expiresInMinutes: 5 })).status,
    ).toBe(404);
  });

  it('names the offending field with 400', async () => {
    const base = { recordId: 'S-1', fields: ['diagnosis'], expiresInMinutes: 5 };
    const cases: [object, RegExp][] = [
      [{ ...base, expiresInMinutes: 0 }, /^expiresInMinutes: /],
      [{ ...base, expiresInMinutes: 10_081 }, /^expiresInMinutes: /],
      [{ ...base, expiresInMinutes: 1.5 }, /^expiresInMinutes: /],
      [{ ...base, fields: [] }, /^fields: /],
      [{ ...base, fields: ['*', 'diagnosis'] }, /^fields: /],
      [{ ...base, fields: ['a..b'] }, /^fields\[0\]: /],
      [{ ...base, recordId: 'has space' }, /^recordId: /],
      [{ ...base, key: 'x' }, /^key: /],
    ];
    for (const [body, message] of cases) {
      const res = await as('resident.e').post('/share-links', body);
      expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 400, code: 'VALIDATION' });
      expect(errorOf(res).message).toMatch(message);
    }
  });
});

describe('opening a share link', () => {
  it("logs every open in the resident's access list, served or refused, before answering", async () => {
    const { linkId } = await share({ expiresInMinutes: 1 });
    const before = log.items.size;
    await open(linkId).expect(200);
    now = new Date(now.getTime() + 61_000);
    const expired = await open(linkId);
    expect({ status: expired.status, code: errorOf(expired).code }).toEqual({
      status: 410,
      code: 'SHARE_LINK_EXPIRED',
    });
    expect(log.items.size).toBe(before + 2);
    const mine = accessListSchema.parse((await as('resident.e').get('/access/mine')).body).accesses;
    expect(mine.slice(0, 2)).toMatchObject([
      { outcome: 'REFUSED', reason: 'SHARE_LINK_EXPIRED', username: `share-link:${linkId}`, basis: 'SHARE_LINK' },
      {
        outcome: 'ALLOWED',
        reason: null,
        role: 'share-link',
        purpose: 'SHARE',
        fields: ['diagnosis', 'labResults.crp'],
      },
    ]);
    const listed = shareLinkListSchema.parse((await as('resident.e').get('/share-links')).body).links;
    expect(listed.find((link) => link.linkId === linkId)).toMatchObject({ status: 'EXPIRED', opens: 1 });
  });

  it('refuses an open once the record was retracted, logs it, and deletes the ciphertext', async () => {
    const { linkId } = await share({ recordId: 'S-4' });
    await open(linkId).expect(200);
    expect((await as('clerk1').post('/records/S-4/retract', { reason: 'duplicate entry' })).status).toBe(200);
    const res = await open(linkId);
    expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 409, code: 'RECORD_RETRACTED' });
    expect(JSON.stringify(res.body)).not.toContain('sealed');
    expect(links.items.get(linkId)?.sealed).toBeNull();
    const mine = accessListSchema.parse((await as('resident.e').get('/access/mine')).body).accesses;
    expect(mine[0]).toMatchObject({ outcome: 'REFUSED', reason: 'RECORD_RETRACTED', recordId: 'S-4' });
  });

  it('clears the sealed content of an expired link when a link is created, never when links are listed', async () => {
    const { linkId } = await share({ expiresInMinutes: 1 });
    const kept = await share({ expiresInMinutes: 5 });
    expect(links.items.get(linkId)?.sealed).not.toBeNull();
    now = new Date(now.getTime() + 61_000);
    await as('resident.e').get('/share-links').expect(200);
    expect(links.items.get(linkId)?.sealed).not.toBeNull();
    const next = await share({ expiresInMinutes: 5 });
    expect(links.items.get(linkId)?.sealed).toBeNull();
    expect([kept.linkId, next.linkId].map((id) => links.items.get(id)?.sealed === null)).toEqual([false, false]);
    await open(kept.linkId).expect(200);
    // The gateway's periodic sweep clears what expired since.
    now = new Date(now.getTime() + 5 * 60_000);
    await expect(sweepExpired()).resolves.toBeGreaterThanOrEqual(2);
    expect([kept.linkId, next.linkId].map((id) => links.items.get(id)?.sealed === null)).toEqual([true, true]);
    await expect(sweepExpired()).resolves.toBe(0);
    // Made in this test's future: the listing tests below expect their own link newest.
    links.items.delete(next.linkId);
  });

  it('answers nothing when the access cannot be recorded', async () => {
    const { linkId } = await share();
    const append = jest.spyOn(log, 'append').mockRejectedValueOnce(new Error('database down'));
    const res = await open(linkId);
    append.mockRestore();
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('sealed');
  });

  it('answers 404 for an unknown link and 400 for a malformed id', async () => {
    const unknown = await open('00000000-0000-4000-8000-000000000000');
    expect({ status: unknown.status, code: errorOf(unknown).code }).toEqual({
      status: 404,
      code: 'SHARE_LINK_NOT_FOUND',
    });
    expect((await open('not-a-uuid')).status).toBe(400);
  });
});

describe('withdrawing a share link', () => {
  it('refuses later opens with 410, deletes the ciphertext, and changes nothing the second time', async () => {
    const { linkId } = await share();
    expect((await as('resident.f').delete(`/share-links/${linkId}`)).status).toBe(404);
    const first = shareLinkSchema.parse((await as('resident.e').delete(`/share-links/${linkId}`).expect(200)).body);
    expect(first.status).toBe('WITHDRAWN');
    expect(links.items.get(linkId)?.sealed).toBeNull();
    now = new Date(now.getTime() + 1000);
    const again = shareLinkSchema.parse((await as('resident.e').delete(`/share-links/${linkId}`).expect(200)).body);
    expect(again.withdrawnAt).toBe(first.withdrawnAt);
    const res = await open(linkId);
    expect({ status: res.status, code: errorOf(res).code }).toEqual({ status: 410, code: 'SHARE_LINK_WITHDRAWN' });
    const mine = accessListSchema.parse((await as('resident.e').get('/access/mine')).body).accesses;
    expect(mine[0]).toMatchObject({ outcome: 'REFUSED', reason: 'SHARE_LINK_WITHDRAWN', recordId: 'S-1' });
  });

  it("lists only the resident's own links, newest first", async () => {
    const { linkId } = await share();
    const listed = shareLinkListSchema.parse((await as('resident.e').get('/share-links')).body).links;
    expect(listed[0]?.linkId).toBe(linkId);
    expect(listed.every((link) => ['S-1', 'S-4'].includes(link.recordId))).toBe(true);
    expect(shareLinkListSchema.parse((await as('resident.f').get('/share-links')).body).links).toEqual([]);
    expect((await as('h1.doctor').get('/share-links')).status).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('declares the four operations, the open without sign-in and with its 410', async () => {
    const doc = z
      .object({
        paths: z.record(
          z.string(),
          z.record(
            z.string(),
            z.object({ security: z.array(z.unknown()), responses: z.record(z.string(), z.unknown()) }),
          ),
        ),
      })
      .parse((await request(app).get('/api/v1/openapi.json').expect(200)).body);
    expect(Object.keys(doc.paths['/api/v1/share-links'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/share-links/{linkId}'] ?? {})).toEqual(['delete']);
    const open = doc.paths['/api/v1/share-links/{linkId}/content']?.['get'];
    expect(open?.security).toEqual([]);
    expect(Object.keys(open?.responses ?? {}).sort()).toEqual(['200', '400', '404', '409', '410', '429', '500', '503']);
  });
});
