/**
 * What the EMPI keeps: residents, the links of hospitals' patients to them, and the append-only
 * audit trail of merges and splits. A port, with an in-memory implementation (tests) beside the
 * Mongo one (model.ts).
 */
import type { LinkMethod, Sex } from './matching';
import { nextEntry, type AuditContent, type AuditEntry } from './audit';

export const RESIDENT_STATUSES = ['ACTIVE', 'MERGED'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export interface Resident {
  residentId: string;
  status: ResidentStatus;
  /** The resident this one was merged into. */
  mergedInto: string | null;
  /** HMAC-SM3 of the ID number it was made from, if any. */
  idHash: string | null;
  /** HMAC-SM3 of name, birth date and sex, if known. */
  demoHash: string | null;
  createdAt: string;
}

/** A hospital's patient linked to a resident. */
export interface Link {
  org: string;
  /** The pseudonym the hospital's record indices carry (patientId). */
  patientId: string;
  localPatientId: string;
  residentId: string;
  method: LinkMethod;
  idHash: string | null;
  demoHash: string | null;
  /** Birth date and sex, shown to reviewers; the name is kept only as a hash. */
  birthDate: string | null;
  sex: Sex | null;
  linkedAt: string;
  linkedBy: string;
}

export interface AuditQuery {
  residentId?: string | undefined;
  limit: number;
  /** Entries with a smaller seq (newest first). */
  before?: number | undefined;
}

export interface EmpiStore {
  /** Inserts the resident unless one with its id exists; answers the stored one. */
  ensureResident(resident: Resident): Promise<Resident>;
  getResident(residentId: string): Promise<Resident | undefined>;
  markMerged(residentId: string, into: string): Promise<void>;
  /** Every link made with this demographic hash. */
  linksByDemoHash(demoHash: string): Promise<Link[]>;
  /** Inserts the link unless the organisation's patient is linked; answers the stored one. */
  ensureLink(link: Link): Promise<Link>;
  getLink(org: string, patientId: string): Promise<Link | undefined>;
  linksOf(residentId: string): Promise<Link[]>;
  moveLinks(links: readonly Pick<Link, 'org' | 'patientId'>[], residentId: string, method?: LinkMethod): Promise<void>;
  appendAudit(content: AuditContent): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

/** A deep copy of plain JSON, as the database would give it back. */
const copyJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const linkKey = (org: string, patientId: string) => `${org}/${patientId}`;

export class InMemoryEmpiStore implements EmpiStore {
  private readonly residents = new Map<string, Resident>();
  private readonly links = new Map<string, Link>();
  readonly audit: AuditEntry[] = [];

  ensureResident(resident: Resident): Promise<Resident> {
    const stored = this.residents.get(resident.residentId) ?? { ...resident };
    this.residents.set(resident.residentId, stored);
    return Promise.resolve({ ...stored });
  }

  getResident(residentId: string): Promise<Resident | undefined> {
    const stored = this.residents.get(residentId);
    return Promise.resolve(stored === undefined ? undefined : { ...stored });
  }

  markMerged(residentId: string, into: string): Promise<void> {
    const stored = this.residents.get(residentId);
    if (stored !== undefined) this.residents.set(residentId, { ...stored, status: 'MERGED', mergedInto: into });
    return Promise.resolve();
  }

  linksByDemoHash(demoHash: string): Promise<Link[]> {
    return Promise.resolve([...this.links.values()].filter((l) => l.demoHash === demoHash).map((l) => ({ ...l })));
  }

  ensureLink(link: Link): Promise<Link> {
    const key = linkKey(link.org, link.patientId);
    const stored = this.links.get(key) ?? { ...link };
    this.links.set(key, stored);
    return Promise.resolve({ ...stored });
  }

  getLink(org: string, patientId: string): Promise<Link | undefined> {
    const stored = this.links.get(linkKey(org, patientId));
    return Promise.resolve(stored === undefined ? undefined : { ...stored });
  }

  linksOf(residentId: string): Promise<Link[]> {
    const found = [...this.links.values()].filter((l) => l.residentId === residentId);
    return Promise.resolve(found.sort((a, b) => a.linkedAt.localeCompare(b.linkedAt)).map((l) => ({ ...l })));
  }

  moveLinks(links: readonly Pick<Link, 'org' | 'patientId'>[], residentId: string, method?: LinkMethod): Promise<void> {
    for (const { org, patientId } of links) {
      const stored = this.links.get(linkKey(org, patientId));
      if (stored !== undefined) {
        this.links.set(linkKey(org, patientId), { ...stored, residentId, ...(method === undefined ? {} : { method }) });
      }
    }
    return Promise.resolve();
  }

  appendAudit(content: AuditContent): Promise<AuditEntry> {
    const entry = nextEntry(this.audit[this.audit.length - 1], copyJson(content));
    this.audit.push(entry);
    return Promise.resolve(copyJson(entry));
  }

  listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const found = this.audit
      .filter((e) => query.residentId === undefined || e.residentIds.includes(query.residentId))
      .filter((e) => query.before === undefined || e.seq < query.before)
      .sort((a, b) => b.seq - a.seq);
    return Promise.resolve(copyJson(found.slice(0, query.limit)));
  }
}
