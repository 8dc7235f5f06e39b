/**
 * The EMPI (master patient index): links hospitals' patients to residents by the matching rule
 * (matching.ts), shows one resident's records from every hospital (resident → encounters →
 * records), and lets the health commission merge and split residents, each change audited.
 */
import { randomBytes } from 'node:crypto';
import { MspId, mayIssueInvoices } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { RecordEntries, RecordEntry } from '../records/entries';
import type { EmpiAuditAnchors } from './anchors';
import { firstBroken, type AuditEntry } from './audit';
import { chooseResident, demographicHash, idNumberHash } from './matching';
import type {
  AuditVerificationView,
  LinkBody,
  LinkResultView,
  LinkView,
  MergeBody,
  ResidentView,
  Snapshot,
  SplitBody,
} from './schemas';
import type { AuditQuery, EmpiStore, Link, Resident } from './store';

export interface EmpiServiceDeps {
  store: EmpiStore;
  entries: RecordEntries;
  /** The EMPI key (matching.ts, empiKey). */
  key: Uint8Array;
  logger: Logger;
  /** Where each new audit entry is anchored; absent, nothing is anchored. */
  anchors?: EmpiAuditAnchors;
  clock?: () => Date;
}

const AUDIT_PAGE = 200;

/** How many merges a link may be followed through before the EMPI is called inconsistent. */
const MAX_MERGE_HOPS = 32;
const HOSPITAL_ROLES = new Set(['doctor', 'billing_clerk']);

const isCommission = (user: User) =>
  user.mspId === MspId.HEALTH_COMMISSION && (user.role === 'supervisor' || user.role === 'admin');
const isHospitalWriter = (user: User) => HOSPITAL_ROLES.has(user.role) && mayIssueInvoices(user.mspId);

function requireHospital(user: User): void {
  if (!isHospitalWriter(user))
    throw new AppError('FORBIDDEN', 'only a doctor or billing clerk of a hospital links patients');
}
function requireCommission(user: User): void {
  if (!isCommission(user)) {
    throw new AppError('FORBIDDEN', "only the health commission's supervisors and admins merge, split and audit");
  }
}
function requireReader(user: User): void {
  if (!isCommission(user) && !isHospitalWriter(user)) {
    throw new AppError('FORBIDDEN', 'the EMPI is for hospital doctors and clerks and the health commission');
  }
}

export function linkView(link: Link): LinkView {
  const { org, patientId, localPatientId, residentId, method, birthDate, sex, linkedAt, linkedBy } = link;
  const identifiedByIdNumber = link.idHash !== null;
  return {
    org,
    patientId,
    localPatientId,
    residentId,
    method,
    identifiedByIdNumber,
    birthDate,
    sex,
    linkedAt,
    linkedBy,
  };
}

/** Encounters of the records, keyed by organisation, patient and encounter id, in order of their first record. */
function encountersOf(records: readonly RecordEntry[]): ResidentView['encounters'] {
  const groups = new Map<string, ResidentView['encounters'][number]>();
  for (const r of records) {
    const key = `${r.sourceOrg}/${r.patientId}/${r.encounterId}`;
    const group = groups.get(key) ?? {
      org: r.sourceOrg,
      patientId: r.patientId,
      encounterId: r.encounterId,
      firstRecordedAt: r.recordedAt,
      records: [],
    };
    const { recordId, type, recordedAt, batchId, diagnosisCodes } = r;
    group.records.push({ recordId, type, recordedAt, batchId, diagnosisCodes });
    groups.set(key, group);
  }
  return [...groups.values()];
}

export class EmpiService {
  constructor(private readonly deps: EmpiServiceDeps) {}

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  /** Links the hospital's patient by the matching rule; linking it again answers the existing link. */
  async link(user: User, body: LinkBody): Promise<LinkResultView> {
    requireHospital(user);
    const existing = await this.deps.store.getLink(user.mspId, body.patientId);
    if (existing !== undefined) return this.linkResult(existing, false);
    const { key } = this.deps;
    const idHash = body.idNumber === undefined ? null : idNumberHash(key, body.idNumber);
    const { name, birthDate, sex } = body;
    const demoHash =
      name === undefined || birthDate === undefined || sex === undefined
        ? null
        : demographicHash(key, { name, birthDate, sex });
    const chosen = chooseResident(idHash, () => randomBytes(32).toString('hex'));
    const now = this.now();
    await this.deps.store.ensureResident({
      residentId: chosen.residentId,
      status: 'ACTIVE',
      mergedInto: null,
      idHash,
      demoHash,
      createdAt: now,
    });
    const resident = await this.current(chosen.residentId);
    const link = await this.deps.store.ensureLink({
      org: user.mspId,
      patientId: body.patientId,
      localPatientId: body.localPatientId,
      residentId: resident.residentId,
      method: chosen.method,
      idHash,
      demoHash,
      birthDate: birthDate ?? null,
      sex: sex ?? null,
      linkedAt: now,
      linkedBy: user.username,
    });
    this.deps.logger.info('EMPI link', { org: user.mspId, method: link.method, user: user.username });
    return this.linkResult(link, true);
  }

  async lookup(user: User, org: string, patientId: string): Promise<LinkResultView> {
    requireReader(user);
    if (!isCommission(user) && user.mspId !== org) {
      throw new AppError('FORBIDDEN', `a hospital looks up its own patients only (${user.mspId})`);
    }
    const link = await this.deps.store.getLink(org, patientId);
    if (link === undefined) throw new AppError('EMPI_LINK_NOT_FOUND', `patient ${patientId} of ${org} is not linked`);
    return this.linkResult(link, false);
  }

  async resident(user: User, residentId: string): Promise<ResidentView> {
    requireReader(user);
    return this.view(await this.found(residentId));
  }

  async merge(user: User, body: MergeBody): Promise<{ resident: ResidentView; audit: AuditEntry }> {
    requireCommission(user);
    const { sourceResidentId: sourceId, targetResidentId: targetId } = body;
    if (sourceId === targetId)
      throw new AppError('EMPI_CONFLICT', 'targetResidentId: a resident is not merged into itself');
    const [source, target] = [await this.found(sourceId), await this.found(targetId)];
    for (const r of [source, target]) {
      if (r.status !== 'ACTIVE') throw new AppError('EMPI_CONFLICT', `resident ${r.residentId} was merged already`);
    }
    if (source.idHash !== null && target.idHash !== null && source.idHash !== target.idHash) {
      throw new AppError('EMPI_CONFLICT', 'the two residents carry different ID numbers: they are different people');
    }
    const before = await this.snapshot([sourceId, targetId]);
    await this.deps.store.moveLinks(await this.deps.store.linksOf(sourceId), targetId);
    await this.deps.store.markMerged(sourceId, targetId);
    const audit = await this.audit(user, 'MERGE', body.reason, [sourceId, targetId], before);
    this.deps.logger.info('EMPI merge', { source: sourceId, target: targetId, user: user.username, seq: audit.seq });
    return { resident: await this.view(await this.found(targetId)), audit };
  }

  async split(user: User, body: SplitBody): Promise<{ resident: ResidentView; from: ResidentView; audit: AuditEntry }> {
    requireCommission(user);
    const from = await this.found(body.residentId);
    if (from.status !== 'ACTIVE') throw new AppError('EMPI_CONFLICT', `resident ${from.residentId} was merged`);
    const links = await this.deps.store.linksOf(from.residentId);
    const moving = this.linksToMove(links, body.links);
    const newId = randomBytes(32).toString('hex');
    const before = await this.snapshot([from.residentId]);
    const demoHash =
      links.find((l) => l.org === moving[0]?.org && l.patientId === moving[0]?.patientId)?.demoHash ?? null;
    const created = { residentId: newId, status: 'ACTIVE' as const, mergedInto: null, idHash: null, demoHash };
    await this.deps.store.ensureResident({ ...created, createdAt: this.now() });
    await this.deps.store.moveLinks(moving, newId, 'SPLIT');
    const audit = await this.audit(user, 'SPLIT', body.reason, [from.residentId, newId], before);
    this.deps.logger.info('EMPI split', { from: from.residentId, to: newId, user: user.username, seq: audit.seq });
    return {
      resident: await this.view(await this.found(newId)),
      from: await this.view(await this.found(from.residentId)),
      audit,
    };
  }

  async auditTrail(user: User, query: AuditQuery): Promise<{ entries: AuditEntry[]; next: number | null }> {
    requireCommission(user);
    const entries = await this.deps.store.listAudit(query);
    const last = entries[entries.length - 1];
    return { entries, next: entries.length === query.limit && last !== undefined && last.seq > 1 ? last.seq : null };
  }

  /** The whole trail checked: its SM3 chain, and against the head anchored on chain. */
  async verifyAudit(user: User): Promise<AuditVerificationView> {
    requireCommission(user);
    const head = (await this.deps.anchors?.head(user.mspId)) ?? null;
    const trail = await this.wholeTrail();
    const broken = firstBroken(trail);
    const lastSeq = trail[trail.length - 1]?.seq ?? 0;
    const headMatches = head === null ? null : trail.find((e) => e.seq === head.seq)?.hash === head.hash;
    return {
      entries: trail.length,
      lastSeq,
      firstBroken: broken,
      anchoredHead: head,
      headMatches,
      unanchored: Math.max(0, lastSeq - (head?.seq ?? 0)),
      intact: broken === null && headMatches !== false,
    };
  }

  /** Every audit entry, oldest first. */
  private async wholeTrail(): Promise<AuditEntry[]> {
    const newestFirst: AuditEntry[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.deps.store.listAudit({ limit: AUDIT_PAGE, before });
      newestFirst.push(...page);
      const last = page[page.length - 1];
      if (page.length < AUDIT_PAGE || last === undefined) return newestFirst.reverse();
      before = last.seq;
    }
  }

  /**
   * Anchors the new entry on chain. A failure leaves the merge or split done and recorded: the
   * next one anchors a later entry, whose hash vouches for this one too.
   */
  private async anchor(user: User, entry: AuditEntry): Promise<void> {
    const anchors = this.deps.anchors;
    if (anchors === undefined) return;
    try {
      await anchors.anchor(user.mspId, { seq: entry.seq, hash: entry.hash });
    } catch (err) {
      this.deps.logger.warn('EMPI audit entry not anchored', { seq: entry.seq, error: String(err) });
    }
  }

  private linksToMove(links: readonly Link[], wanted: SplitBody['links']): Pick<Link, 'org' | 'patientId'>[] {
    const unique = [...new Map(wanted.map((w) => [`${w.org}/${w.patientId}`, w])).values()];
    for (const w of unique) {
      if (!links.some((l) => l.org === w.org && l.patientId === w.patientId)) {
        throw new AppError(
          'EMPI_LINK_NOT_FOUND',
          `links: patient ${w.patientId} of ${w.org} is not linked to this resident`,
        );
      }
    }
    if (unique.length >= links.length) {
      throw new AppError('EMPI_CONFLICT', 'links: a split leaves at least one link with the resident');
    }
    return unique;
  }

  private async audit(user: User, action: 'MERGE' | 'SPLIT', reason: string, ids: string[], before: Snapshot) {
    const entry = await this.deps.store.appendAudit({
      at: this.now(),
      actor: user.username,
      actorOrg: user.mspId,
      action,
      reason,
      residentIds: ids,
      before,
      after: await this.snapshot(ids),
    });
    await this.anchor(user, entry);
    return entry;
  }

  private async snapshot(residentIds: readonly string[]): Promise<Snapshot> {
    const residents = [];
    for (const id of residentIds) {
      const r = await this.found(id);
      const links = (await this.deps.store.linksOf(id)).map(({ org, patientId, localPatientId }) => ({
        org,
        patientId,
        localPatientId,
      }));
      residents.push({ residentId: r.residentId, status: r.status, mergedInto: r.mergedInto, links });
    }
    return { residents };
  }

  private async found(residentId: string): Promise<Resident> {
    const resident = await this.deps.store.getResident(residentId);
    if (resident === undefined) throw new AppError('RESIDENT_NOT_FOUND', `no resident ${residentId} in the EMPI`);
    return resident;
  }

  /** The resident a resident id leads to, through merges. */
  private async current(residentId: string): Promise<Resident> {
    let resident = await this.found(residentId);
    for (let hop = 0; resident.mergedInto !== null; hop += 1) {
      if (hop >= MAX_MERGE_HOPS) throw new AppError('INTERNAL', `resident ${residentId}: merge chain too long`);
      resident = await this.found(resident.mergedInto);
    }
    return resident;
  }

  private async linkResult(link: Link, created: boolean): Promise<LinkResultView> {
    const resident = await this.current(link.residentId);
    return {
      link: linkView(link),
      residentId: resident.residentId,
      created,
      candidates: await this.candidates(resident),
    };
  }

  /** Other residents having a link with the same name, birth date and sex as one of this resident's. */
  private async candidates(resident: Resident): Promise<string[]> {
    const hashes = new Set((await this.deps.store.linksOf(resident.residentId)).map((l) => l.demoHash));
    const found = new Set<string>();
    for (const hash of hashes) {
      if (hash === null) continue;
      for (const other of await this.deps.store.linksByDemoHash(hash)) {
        if (other.residentId !== resident.residentId) found.add(other.residentId);
      }
    }
    return [...found].sort();
  }

  private async view(resident: Resident): Promise<ResidentView> {
    const links = await this.deps.store.linksOf(resident.residentId);
    const records = await this.deps.entries.ofPatients(links.map((l) => ({ org: l.org, patientId: l.patientId })));
    return {
      residentId: resident.residentId,
      status: resident.status,
      mergedInto: resident.mergedInto,
      identifiedByIdNumber: resident.idHash !== null || links.some((l) => l.idHash !== null),
      links: links.map(linkView),
      candidates: resident.status === 'ACTIVE' ? await this.candidates(resident) : [],
      encounters: encountersOf(records),
    };
  }
}
