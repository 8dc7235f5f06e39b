/** The EMPI: residents (`empi_residents`), hospitals' patients linked to them (`empi_links`), the audit chain (`empi_audit`). */
import { MspId } from '@hdt/vocabulary';
import type { Connection } from 'mongoose';
import {
  empiAuditModel,
  empiLinkModel,
  empiResidentModel,
  MongoEmpiStore,
} from '../../../gateway-api/src/modules/empi';
import { nextEntry, type AuditContent, type AuditEntry } from '../../../gateway-api/src/modules/empi/audit';
import type { Link, Resident } from '../../../gateway-api/src/modules/empi/store';
import { before, hex64, insertRaw, many, nth, type Workload } from './workload';

const HOSPITALS = [MspId.HOSPITAL1, MspId.HOSPITAL2];

function resident(label: string, createdAt: Date): Resident {
  const idHash = hex64(`id-${label}`);
  return {
    residentId: hex64(`empi-resident|${idHash}`),
    status: 'ACTIVE',
    mergedInto: null,
    idHash,
    demoHash: hex64(`demo-${label}`),
    createdAt: createdAt.toISOString(),
  };
}

function link(org: string, label: string, of: Resident, linkedAt: Date): Link {
  return {
    org,
    patientId: hex64(`patient-${org}-${label}`),
    localPatientId: `P${label}`,
    residentId: of.residentId,
    method: 'ID_NUMBER',
    idHash: of.idHash,
    demoHash: of.demoHash,
    birthDate: '1980-04-01',
    sex: 'female',
    linkedAt: linkedAt.toISOString(),
    linkedBy: 'doctor1',
  };
}

function audit(residentIds: string[], at: Date): AuditContent {
  return {
    at: at.toISOString(),
    actor: 'commission1',
    actorOrg: MspId.HEALTH_COMMISSION,
    action: 'MERGE',
    reason: 'Same person registered twice',
    residentIds,
    before: { residents: residentIds },
    after: { residents: residentIds.slice(0, 1) },
  };
}

/** The audit chain of `size` merges, each of two seeded residents, chained as the store chains them. */
function auditChain(residents: readonly Resident[], now: Date): (AuditEntry & { _id: number })[] {
  const chain: (AuditEntry & { _id: number })[] = [];
  for (const [i, r] of residents.entries()) {
    const other = nth(residents, i + 1);
    const entry = nextEntry(chain[i - 1], audit([r.residentId, other.residentId], before(now, residents.length - i)));
    chain.push({ _id: entry.seq, ...entry });
  }
  return chain;
}

async function seed(connection: Connection, size: number): Promise<void> {
  const now = new Date();
  const residents = many(size, (i) => resident(`seed-${i}`, before(now, (size - i) * 60)));
  await insertRaw(
    empiResidentModel(connection),
    residents.map((r) => ({ _id: r.residentId, ...r })),
  );
  const links = residents.map((r, i) => link(nth(HOSPITALS, i), `seed-${i}`, r, new Date(r.createdAt)));
  await insertRaw(
    empiLinkModel(connection),
    links.map((l) => ({ _id: `${l.org}/${l.patientId}`, ...l })),
  );
  await insertRaw(empiAuditModel(connection), auditChain(residents, now));
}

async function exerciseLinks(store: MongoEmpiStore, a: Resident, b: Resident): Promise<void> {
  const now = new Date();
  const la = link(MspId.HOSPITAL1, 'exercise-a', a, now);
  const lb = link(MspId.HOSPITAL2, 'exercise-b', b, now);
  expect(await store.ensureLink(la)).toEqual(la);
  expect(await store.ensureLink(lb)).toEqual(lb);
  expect(await store.ensureLink({ ...la, residentId: b.residentId })).toEqual(la);
  expect(await store.getLink(la.org, la.patientId)).toEqual(la);
  expect(await store.linksByDemoHash(a.demoHash ?? '')).toEqual([la]);
  await store.moveLinks([lb], a.residentId);
  expect(await store.linksOf(a.residentId)).toHaveLength(2);
}

async function exerciseAudit(store: MongoEmpiStore, a: Resident, b: Resident): Promise<void> {
  const entry = await store.appendAudit(audit([a.residentId, b.residentId], new Date()));
  expect(await store.listAudit({ limit: 1 })).toEqual([entry]);
  expect(await store.listAudit({ residentId: a.residentId, limit: 20 })).toEqual([entry]);
  expect(await store.listAudit({ before: entry.seq, limit: 20 })).toHaveLength(20);
  expect(await store.listAudit({ residentId: a.residentId, before: entry.seq + 1, limit: 20 })).toEqual([entry]);
}

async function exercise(connection: Connection): Promise<void> {
  const store = new MongoEmpiStore(
    empiResidentModel(connection),
    empiLinkModel(connection),
    empiAuditModel(connection),
  );
  const a = resident('exercise-a', new Date());
  const b = resident('exercise-b', new Date());
  expect(await store.ensureResident(a)).toEqual(a);
  expect(await store.ensureResident({ ...a, status: 'MERGED' })).toEqual(a);
  await store.ensureResident(b);
  await exerciseLinks(store, a, b);
  await store.markMerged(b.residentId, a.residentId);
  expect(await store.getResident(b.residentId)).toEqual({ ...b, status: 'MERGED', mergedInto: a.residentId });
  await exerciseAudit(store, a, b);
}

export const empiWorkload: Workload = {
  models: [empiResidentModel, empiLinkModel, empiAuditModel],
  seed,
  exercise,
};
