/** Access requests kept off chain; the port and its in-memory implementation. */
import type { AccessRequestStatus, ConsentPurpose, HealthRecordType, MspId } from '@hdt/vocabulary';

export interface StoredAccessRequest {
  requestId: string;
  residentId: string;
  doctor: { username: string; mspId: MspId; displayName: string; department: string | null };
  purpose: ConsentPurpose;
  scope: { recordTypes: HealthRecordType[]; recordIds: string[]; fields: string[] };
  notBefore: string;
  notAfter: string;
  useLimit: number | null;
  referralId: string | null;
  message: string;
  /** As stored: PENDING, APPROVED or DENIED (EXPIRED is derived from answerBy when read). */
  status: AccessRequestStatus;
  createdAt: string;
  answerBy: string;
  decidedAt: string | null;
  grantId: string | null;
  txId: string | null;
  reason: string | null;
}

/** What deciding a pending request records. */
export type Decision =
  | { status: 'APPROVED'; decidedAt: string; grantId: string; txId: string }
  | { status: 'DENIED'; decidedAt: string; reason: string };

export interface AccessRequestStore {
  create(request: StoredAccessRequest): Promise<void>;
  get(requestId: string): Promise<StoredAccessRequest | undefined>;
  /** Newest first, at most `limit`. */
  list(owner: { residentId: string } | { doctor: string }, limit: number): Promise<StoredAccessRequest[]>;
  /** Records the decision if the request is still PENDING; undefined when it was decided meanwhile. */
  decide(requestId: string, decision: Decision): Promise<StoredAccessRequest | undefined>;
}

/** A copy sharing nothing with `request` (the store's own stays unchanged by callers). */
function copyOf(request: StoredAccessRequest): StoredAccessRequest {
  const { scope } = request;
  return {
    ...request,
    doctor: { ...request.doctor },
    scope: { recordTypes: [...scope.recordTypes], recordIds: [...scope.recordIds], fields: [...scope.fields] },
  };
}

const newestFirst = (a: StoredAccessRequest, b: StoredAccessRequest) =>
  b.createdAt.localeCompare(a.createdAt) || b.requestId.localeCompare(a.requestId);

export class InMemoryAccessRequestStore implements AccessRequestStore {
  private readonly items = new Map<string, StoredAccessRequest>();

  create(request: StoredAccessRequest): Promise<void> {
    this.items.set(request.requestId, copyOf(request));
    return Promise.resolve();
  }

  get(requestId: string): Promise<StoredAccessRequest | undefined> {
    const item = this.items.get(requestId);
    return Promise.resolve(item === undefined ? undefined : copyOf(item));
  }

  list(owner: { residentId: string } | { doctor: string }, limit: number): Promise<StoredAccessRequest[]> {
    const mine = [...this.items.values()].filter((item) =>
      'residentId' in owner ? item.residentId === owner.residentId : item.doctor.username === owner.doctor,
    );
    return Promise.resolve(
      mine
        .sort(newestFirst)
        .slice(0, limit)
        .map((item) => copyOf(item)),
    );
  }

  decide(requestId: string, decision: Decision): Promise<StoredAccessRequest | undefined> {
    const item = this.items.get(requestId);
    if (item === undefined || item.status !== 'PENDING') return Promise.resolve(undefined);
    Object.assign(item, decision);
    return Promise.resolve(copyOf(item));
  }
}
