/**
 * Access requests: a doctor asks a resident for access; the resident approves by signing the grant
 * the request describes (submitted through the consent service, so the chaincode verifies it) or
 * denies it; each side is notified. A request not answered by its deadline expires.
 */
import { randomBytes } from 'node:crypto';
import { ACCESS_REQUEST_LIMITS, type AccessRequestStatus } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import type { ConsentService } from '../consent/service';
import type { ConsentGrantView, GrantBody } from '../consent/schemas';
import type { NotificationMessage, NotificationService } from '../notifications';
import { grantMismatch, termsForRequest, type GrantTerms } from './match';
import type { CreateRequestBody } from './schemas';
import type { AccessRequestStore, StoredAccessRequest } from './store';

export interface AccessRequestView extends StoredAccessRequest {
  grant: GrantTerms;
}

export interface AccessRequestServiceDeps {
  store: AccessRequestStore;
  consent: ConsentService;
  notifications: NotificationService;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
}

/** At most this many requests are listed, newest first. */
export const REQUEST_LIST_LIMIT = 200;

/** The status now: a pending request past its deadline has expired. */
export function statusAt(request: StoredAccessRequest, now: string): AccessRequestStatus {
  return request.status === 'PENDING' && now >= request.answerBy ? 'EXPIRED' : request.status;
}

function requireDoctor(user: User): void {
  if (user.role !== 'doctor') throw new AppError('FORBIDDEN', `only doctors request access (${user.role})`);
}

function requireResident(user: User): string {
  if (user.role !== 'resident' || user.residentId === undefined) {
    throw new AppError('FORBIDDEN', `only the resident asked answers a request (${user.role})`);
  }
  return user.residentId;
}

/** The request's resident and the doctor who made it see it; to anyone else it does not exist. */
function visibleTo(user: User, request: StoredAccessRequest): boolean {
  if (user.role === 'resident') return user.residentId === request.residentId;
  return user.role === 'doctor' && user.username === request.doctor.username;
}

function notFound(requestId: string): AppError {
  return new AppError('ACCESS_REQUEST_NOT_FOUND', `no access request ${requestId} for you`);
}

export class AccessRequestService {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: AccessRequestServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? (() => `req-${randomBytes(12).toString('hex')}`);
  }

  async create(user: User, body: CreateRequestBody): Promise<AccessRequestView> {
    requireDoctor(user);
    const now = this.clock();
    if (body.notAfter <= now.toISOString()) throw new AppError('VALIDATION', 'notAfter: must be in the future');
    const answerSeconds = body.answerWithinSeconds ?? ACCESS_REQUEST_LIMITS.defaultAnswerSeconds;
    const request = this.newRequest(user, body, now, answerSeconds);
    await this.deps.store.create(request);
    const from = `${user.displayName} (${user.mspId})`;
    await this.deps.notifications.notifyQuietly(
      { residentId: request.residentId },
      this.message('ACCESS_REQUESTED', 'Access requested', `${from} asks for access: ${body.purpose}`, request),
    );
    this.deps.logger.info('access requested', { requestId: request.requestId, doctor: user.username });
    return this.view(request);
  }

  async list(user: User, status: AccessRequestStatus | undefined): Promise<AccessRequestView[]> {
    const owner = user.role === 'resident' ? { residentId: requireResident(user) } : this.doctorOwner(user);
    const views = (await this.deps.store.list(owner, REQUEST_LIST_LIMIT)).map((item) => this.view(item));
    return status === undefined ? views : views.filter((item) => item.status === status);
  }

  async get(user: User, requestId: string): Promise<AccessRequestView> {
    return this.view(await this.visible(user, requestId));
  }

  /** The resident approves by signing exactly the grant the request describes. */
  async approve(user: User, requestId: string, body: GrantBody) {
    requireResident(user);
    const request = this.requireOpen(await this.visible(user, requestId));
    const field = grantMismatch(request, body.payload.grant);
    if (field !== undefined) {
      throw new AppError('REQUEST_GRANT_MISMATCH', `payload.grant.${field}: is not what request ${requestId} asks for`);
    }
    const { grant, txId } = await this.deps.consent.grant(user, body);
    const decided = await this.decide(request, { status: 'APPROVED', grantId: grant.grantId, txId });
    this.deps.logger.info('access request approved', { requestId, grantId: grant.grantId, txId });
    return { request: decided, grant: grant satisfies ConsentGrantView, txId };
  }

  async deny(user: User, requestId: string, reason: string): Promise<AccessRequestView> {
    requireResident(user);
    const request = this.requireOpen(await this.visible(user, requestId));
    return this.decide(request, { status: 'DENIED', reason });
  }

  private async decide(
    request: StoredAccessRequest,
    outcome: { status: 'APPROVED'; grantId: string; txId: string } | { status: 'DENIED'; reason: string },
  ): Promise<AccessRequestView> {
    const decided = await this.deps.store.decide(request.requestId, { ...outcome, decidedAt: this.now() });
    if (decided === undefined) {
      throw new AppError('ACCESS_REQUEST_DECIDED', `access request ${request.requestId} was decided meanwhile`);
    }
    const approved = outcome.status === 'APPROVED';
    const text = approved ? `approved: grant ${outcome.grantId}` : `denied: ${outcome.reason}`;
    await this.deps.notifications.notifyQuietly(
      { username: request.doctor.username },
      this.message(
        approved ? 'ACCESS_REQUEST_APPROVED' : 'ACCESS_REQUEST_DENIED',
        approved ? 'Access request approved' : 'Access request denied',
        `Your request ${request.requestId} was ${text}`,
        request,
      ),
    );
    return this.view(decided);
  }

  private newRequest(user: User, body: CreateRequestBody, now: Date, answerSeconds: number): StoredAccessRequest {
    const { residentId, purpose, scope, notBefore, notAfter } = body;
    return {
      requestId: this.newId(),
      residentId,
      doctor: {
        username: user.username,
        mspId: user.mspId,
        displayName: user.displayName,
        department: user.department ?? null,
      },
      ...{ purpose, scope, notBefore, notAfter },
      useLimit: body.useLimit ?? null,
      referralId: body.referralId ?? null,
      message: body.message ?? '',
      status: 'PENDING',
      createdAt: now.toISOString(),
      answerBy: new Date(now.getTime() + answerSeconds * 1000).toISOString(),
      ...{ decidedAt: null, grantId: null, txId: null, reason: null },
    };
  }

  private doctorOwner(user: User): { doctor: string } {
    requireDoctor(user);
    return { doctor: user.username };
  }

  private async visible(user: User, requestId: string): Promise<StoredAccessRequest> {
    const request = await this.deps.store.get(requestId);
    if (request === undefined || !visibleTo(user, request)) throw notFound(requestId);
    return request;
  }

  private requireOpen(request: StoredAccessRequest): StoredAccessRequest {
    const status = statusAt(request, this.now());
    if (status === 'EXPIRED') {
      throw new AppError(
        'ACCESS_REQUEST_EXPIRED',
        `access request ${request.requestId} expired at ${request.answerBy}`,
      );
    }
    if (status !== 'PENDING') {
      throw new AppError('ACCESS_REQUEST_DECIDED', `access request ${request.requestId} is already ${status}`);
    }
    return request;
  }

  private message(
    type: NotificationMessage['type'],
    title: string,
    body: string,
    request: StoredAccessRequest,
  ): NotificationMessage {
    return { type, title, body, ref: { kind: 'access-request', id: request.requestId } };
  }

  private view(request: StoredAccessRequest): AccessRequestView {
    return { ...request, status: statusAt(request, this.now()), grant: termsForRequest(request) };
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
