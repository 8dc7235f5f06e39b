/** Share links (`share_links`): a resident's links, the sealed content kept until withdrawn or expired. */
import { randomBytes, randomUUID } from 'node:crypto';
import { HEALTH_RECORD_TYPES } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import {
  MongoShareLinkStore,
  shareLinkModel,
  type StoredShareLink,
} from '../../../gateway-api/src/modules/share-links';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const RESIDENTS = 300;
const DAY_SECONDS = 86_400;

function link(i: number, residentId: string, createdAt: Date): StoredShareLink {
  return {
    linkId: randomUUID(),
    residentId,
    recordId: `rec-${i}`,
    recordType: nth(HEALTH_RECORD_TYPES, i),
    fields: ['diagnosis', 'labResults.value'],
    createdAt,
    expiresAt: before(createdAt, -DAY_SECONDS),
    withdrawnAt: null,
    sealed: randomBytes(256),
    opens: i % 4,
  };
}

/** Links of the last `size` hours: the older ones expired (their content already discarded), a few withdrawn. */
function linkDocument(i: number, size: number, now: Date) {
  const { linkId, sealed, ...rest } = link(i, hex64(`resident-${i % RESIDENTS}`), before(now, (size - i) * 3600));
  const withdrawn = i % 25 === 0;
  const kept = !withdrawn && rest.expiresAt > now;
  return {
    _id: linkId,
    ...rest,
    withdrawnAt: withdrawn ? before(rest.createdAt, -600) : null,
    sealed: kept ? Buffer.from(sealed ?? []) : null,
    sealedUntil: kept ? rest.expiresAt : null,
  };
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  await insertRaw(
    shareLinkModel(connection),
    many(size, (i) => linkDocument(i, size, now)),
  );
}

async function exercise(connection: Connection): Promise<void> {
  const links = new MongoShareLinkStore(shareLinkModel(connection));
  const residentId = hex64('resident-exercise');
  const open = link(1, residentId, new Date());
  const expired = { ...link(2, residentId, before(new Date(), 2 * DAY_SECONDS)), expiresAt: before(new Date(), 60) };
  const retracted = link(3, residentId, new Date());
  for (const l of [open, expired, retracted]) await links.add(l);
  expect((await links.get(open.linkId))?.recordId).toBe(open.recordId);
  expect(await links.byResident(residentId, 20)).toHaveLength(3);
  await links.countOpen(open.linkId);
  await links.discard(retracted.linkId);
  expect(await links.discardExpired(new Date())).toBe(1);
  const withdrawn = await links.withdraw(open.linkId, new Date());
  expect({ opens: withdrawn?.opens, sealed: withdrawn?.sealed }).toEqual({ opens: open.opens + 1, sealed: null });
}

export const shareLinkWorkload: Workload = { models: [shareLinkModel], seed, exercise };
