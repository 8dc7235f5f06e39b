/** The access log (`access_log`, its counter `access_log_sequence`) and the record contents (`record_contents`). */
import { randomBytes, randomUUID } from 'node:crypto';
import { ACCESS_ANCHOR_BOUND_SECONDS, ACCESS_ANCHOR_MAX, HEALTH_RECORD_TYPES, MspId } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import {
  accessLogModel,
  accessSequenceModel,
  MongoAccessLog,
  MongoRecordContents,
  recordContentModel,
} from '../../../gateway-api/src/modules/access';
import type { AccessEntry, AnchorRef } from '../../../gateway-api/src/modules/access/schemas';
import type { StoredContent } from '../../../gateway-api/src/modules/access/stores';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const RESIDENTS = 300;
/** The newest entries of the seeded log are not anchored yet. */
const UNANCHORED = 20;
const LOG_COUNTER = 'access-log';

function accessEntry(i: number, residentId: string, at: Date): AccessEntry {
  return {
    accessId: randomUUID(),
    at: at.toISOString(),
    username: `doctor${i % 40}`,
    displayName: `Doctor ${i % 40}`,
    mspId: nth([MspId.HOSPITAL1, MspId.HOSPITAL2], i),
    institution: 'District hospital',
    role: 'doctor',
    department: 'cardiology',
    residentId,
    recordId: `rec-${i}`,
    recordType: nth(HEALTH_RECORD_TYPES, i),
    purpose: 'TREATMENT',
    requestedFields: ['diagnosis', 'labResults.value'],
    fields: ['diagnosis'],
    withheldFields: ['labResults.value'],
    outcome: 'ALLOWED',
    reason: null,
    basis: 'GRANT',
    grantId: `grant-${i}`,
    breakGlass: false,
    breakGlassReason: null,
    decisionTxId: randomBytes(32).toString('hex'),
  };
}

function breakGlassEntry(i: number, residentId: string, at: Date): AccessEntry {
  return {
    ...accessEntry(i, residentId, at),
    purpose: 'EMERGENCY',
    basis: 'BREAK_GLASS',
    grantId: null,
    fields: ['diagnosis', 'labResults.value'],
    withheldFields: [],
    breakGlass: true,
    breakGlassReason: 'Unconscious patient brought to the emergency room',
  };
}

function anchorRef(anchorId: string, leafIndex: number, at: Date): AnchorRef {
  return { anchorId, leafIndex, root: hex64(anchorId), txId: hex64(`tx-${anchorId}`), anchoredAt: at.toISOString() };
}

/** The log as kept: one in a hundred a break-glass access, all but the newest anchored. */
function logDocument(i: number, size: number, now: Date) {
  const loggedAt = before(now, size - i);
  const residentId = hex64(`resident-${i % RESIDENTS}`);
  const entry = i % 100 === 7 ? breakGlassEntry(i, residentId, loggedAt) : accessEntry(i, residentId, loggedAt);
  const anchored = i < size - UNANCHORED;
  const anchor = anchored ? anchorRef(`anchor-${Math.floor(i / 500)}`, i % 500, loggedAt) : null;
  return {
    _id: entry.accessId,
    seq: i + 1,
    residentId,
    breakGlass: entry.breakGlass,
    anchored,
    loggedAt,
    entry,
    anchor,
  };
}

function storedContent(recordId: string, at: Date, withAttachment: boolean): StoredContent {
  const document = { cid: `bafy${hex64(recordId).slice(0, 40)}`, sm3: hex64(recordId), keyId: randomUUID(), size: 900 };
  const attachment = withAttachment
    ? { ...document, cid: `bafy${hex64(`${recordId}.pdf`).slice(0, 40)}`, size: 48_000, contentType: 'application/pdf' }
    : null;
  return { recordId, digest: document.sm3, document, attachment, storedBy: 'doctor1', storedAt: at };
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  await insertRaw(
    accessLogModel(connection),
    many(size, (i) => logDocument(i, size, now)),
  );
  // One counter in practice; the others are padding, so that it is planned as a large collection.
  const counters = many(size, (i) => ({ _id: i === 0 ? LOG_COUNTER : `counter-${i}`, seq: i === 0 ? size : i }));
  await insertRaw(accessSequenceModel(connection), counters);
  const contents = many(size, (i) => {
    const content = storedContent(`rec-${i}`, before(now, size - i), i % 3 === 0);
    return { _id: content.recordId, ...content };
  });
  await insertRaw(recordContentModel(connection), contents);
}

async function exerciseLog(connection: Connection): Promise<void> {
  const log = new MongoAccessLog(accessLogModel(connection), accessSequenceModel(connection));
  const residentId = hex64('resident-exercise');
  const read = await log.append(accessEntry(1, residentId, new Date()));
  const glass = await log.append(breakGlassEntry(2, residentId, new Date()));
  expect((await log.get(read.accessId))?.seq).toBe(read.seq);
  expect(await log.getMany([read.accessId, glass.accessId])).toHaveLength(2);
  expect((await log.byResident(residentId, 50)).map((a) => a.accessId)).toEqual([glass.accessId, read.accessId]);
  expect((await log.breakGlass(50))[0]?.accessId).toBe(glass.accessId);
  const pending = await log.unanchored(ACCESS_ANCHOR_MAX);
  expect(pending).toHaveLength(UNANCHORED + 2);
  const anchoredAt = new Date();
  await log.markAnchored(
    pending.map((p, leafIndex) => ({
      accessId: p.accessId,
      anchor: anchorRef('anchor-exercise', leafIndex, anchoredAt),
    })),
  );
  expect(await log.countUnanchoredBefore(before(anchoredAt, ACCESS_ANCHOR_BOUND_SECONDS))).toBe(0);
}

async function exerciseContents(connection: Connection): Promise<void> {
  const contents = new MongoRecordContents(recordContentModel(connection));
  const first = storedContent('rec-exercise', new Date(), false);
  expect(await contents.put(first)).toBeUndefined();
  expect(await contents.put(storedContent('rec-exercise', new Date(), true))).toEqual(first);
  expect((await contents.get('rec-exercise'))?.attachment?.contentType).toBe('application/pdf');
  expect(await contents.get('rec-missing')).toBeUndefined();
}

export const accessWorkload: Workload = {
  models: [accessLogModel, accessSequenceModel, recordContentModel],
  seed,
  exercise: async (connection) => {
    await exerciseLog(connection);
    await exerciseContents(connection);
  },
};
