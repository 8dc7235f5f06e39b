/**
 * The EMPI in the document database: `empi_residents`, `empi_links` (one document per
 * organisation's patient, `_id` = org/patientId) and `empi_audit` (append-only: the code only
 * inserts; `_id` is the sequence number, so two writers racing for the same number cannot both
 * succeed — the loser re-reads the tail and chains after it). The numbers are dense, 1 to n, which
 * lets the tail and the pages of the whole trail be found by number alone.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { EMPI_ACTIONS, nextEntry, type AuditContent, type AuditEntry } from './audit';
import type { LinkMethod } from './matching';
import type { AuditQuery, EmpiStore, Link, Resident } from './store';

type ResidentDoc = Resident & { _id: string };
type LinkDoc = Link & { _id: string };
type AuditDoc = AuditEntry & { _id: number };

const nullableString = { type: String, default: null };

export const residentSchema = new Schema<ResidentDoc>(
  {
    _id: { type: String, required: true },
    residentId: { type: String, required: true },
    status: { type: String, required: true, enum: ['ACTIVE', 'MERGED'] },
    mergedInto: nullableString,
    idHash: nullableString,
    demoHash: nullableString,
    createdAt: { type: String, required: true },
  },
  { collection: 'empi_residents', versionKey: false, strict: 'throw' },
);

export const linkSchema = new Schema<LinkDoc>(
  {
    _id: { type: String, required: true },
    org: { type: String, required: true },
    patientId: { type: String, required: true },
    localPatientId: { type: String, required: true },
    residentId: { type: String, required: true },
    method: { type: String, required: true },
    idHash: nullableString,
    demoHash: nullableString,
    birthDate: nullableString,
    sex: nullableString,
    linkedAt: { type: String, required: true },
    linkedBy: { type: String, required: true },
  },
  { collection: 'empi_links', versionKey: false, strict: 'throw' },
);
linkSchema.index({ residentId: 1, linkedAt: 1 }, { name: 'resident_linked_at' });
linkSchema.index({ org: 1, localPatientId: 1 }, { name: 'org_local_patient' });
linkSchema.index({ demoHash: 1 }, { name: 'demo_hash' });

export const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: Number, required: true },
    seq: { type: Number, required: true },
    at: { type: String, required: true },
    actor: { type: String, required: true },
    actorOrg: { type: String, required: true },
    action: { type: String, required: true, enum: EMPI_ACTIONS },
    reason: { type: String, required: true },
    residentIds: { type: [String], required: true },
    before: { type: Schema.Types.Mixed, required: true },
    after: { type: Schema.Types.Mixed, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'empi_audit', versionKey: false, strict: 'throw', minimize: false },
);
auditSchema.index({ residentIds: 1, _id: -1 }, { name: 'resident_seq' });

function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return connection.modelNames().includes(name) ? connection.model<T>(name) : connection.model<T>(name, schema);
}
export const empiResidentModel = (c: Connection) => modelOn(c, 'EmpiResident', residentSchema);
export const empiLinkModel = (c: Connection) => modelOn(c, 'EmpiLink', linkSchema);
export const empiAuditModel = (c: Connection) => modelOn(c, 'EmpiAudit', auditSchema);

const isDuplicateKey = (err: unknown) => typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;

function strip<T extends { _id: unknown }>(doc: T): Omit<T, '_id'> {
  const copy: Partial<T> = { ...doc };
  delete copy._id;
  return copy as Omit<T, '_id'>;
}

const APPEND_ATTEMPTS = 5;

export class MongoEmpiStore implements EmpiStore {
  constructor(
    private readonly residents: Model<ResidentDoc>,
    private readonly links: Model<LinkDoc>,
    private readonly audit: Model<AuditDoc>,
  ) {}

  async ensureResident(resident: Resident): Promise<Resident> {
    await this.residents.updateOne({ _id: resident.residentId }, { $setOnInsert: { ...resident } }, { upsert: true });
    return (await this.getResident(resident.residentId)) ?? resident;
  }

  async getResident(residentId: string): Promise<Resident | undefined> {
    const doc = await this.residents.findById(residentId).lean<ResidentDoc>();
    return doc === null ? undefined : strip(doc);
  }

  async markMerged(residentId: string, into: string): Promise<void> {
    await this.residents.updateOne({ _id: residentId }, { $set: { status: 'MERGED', mergedInto: into } });
  }

  async linksByDemoHash(demoHash: string): Promise<Link[]> {
    return (await this.links.find({ demoHash }).lean<LinkDoc[]>()).map(strip);
  }

  async ensureLink(link: Link): Promise<Link> {
    const _id = `${link.org}/${link.patientId}`;
    await this.links.updateOne({ _id }, { $setOnInsert: { ...link } }, { upsert: true });
    return (await this.getLink(link.org, link.patientId)) ?? link;
  }

  async getLink(org: string, patientId: string): Promise<Link | undefined> {
    const doc = await this.links.findById(`${org}/${patientId}`).lean<LinkDoc>();
    return doc === null ? undefined : strip(doc);
  }

  async linksOf(residentId: string): Promise<Link[]> {
    return (await this.links.find({ residentId }).sort({ linkedAt: 1 }).lean<LinkDoc[]>()).map(strip);
  }

  async moveLinks(links: readonly Pick<Link, 'org' | 'patientId'>[], residentId: string, method?: LinkMethod) {
    const ids = links.map((l) => `${l.org}/${l.patientId}`);
    await this.links.updateMany(
      { _id: { $in: ids } },
      { $set: { residentId, ...(method === undefined ? {} : { method }) } },
    );
  }

  async appendAudit(content: AuditContent): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt += 1) {
      const tail = await this.lastSeq();
      const last = tail === 0 ? null : await this.audit.findById(tail).lean<AuditDoc>();
      const entry = nextEntry(last === null ? undefined : strip(last), content);
      try {
        await this.audit.create({ ...entry, _id: entry.seq });
        return entry;
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= APPEND_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Newest first. Without a resident, the page is the range of numbers below `before` (or the
   * tail): the numbers are dense, so no sort over the whole trail is needed.
   */
  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    if (query.residentId !== undefined) {
      const filter = {
        residentIds: query.residentId,
        ...(query.before === undefined ? {} : { _id: { $lt: query.before } }),
      };
      return (await this.audit.find(filter).sort({ _id: -1 }).limit(query.limit).lean<AuditDoc[]>()).map(strip);
    }
    const top = query.before === undefined ? await this.lastSeq() : query.before - 1;
    const range = { _id: { $gt: top - query.limit, $lte: top } };
    return (await this.audit.find(range).sort({ _id: -1 }).limit(query.limit).lean<AuditDoc[]>()).map(strip);
  }

  /**
   * The number of the newest entry (0 when there is none), found by looking entries up by number:
   * doubling, then halving. A sort over the whole trail would read every entry on a server that
   * cannot answer a sort from an index (FerretDB).
   */
  private async lastSeq(): Promise<number> {
    const present = async (seq: number) => (await this.audit.exists({ _id: seq })) !== null;
    let low = 0;
    let high = 1;
    while (await present(high)) [low, high] = [high, high * 2];
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await present(mid)) low = mid;
      else high = mid;
    }
    return low;
  }
}
