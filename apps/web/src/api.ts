/** The gateway's REST API, as the pages use it: one method per operation, answers parsed. */
import type { InvoiceId, OrgProfile } from '@hdt/vocabulary';
import {
  type Committed,
  errorBody,
  type HistoryItem,
  type InvoiceListPage,
  type InvoiceSummary,
  type Issued,
  parseInvoiceList,
  parseRedFlushed,
  type RedFlushed,
  parseCheckCode,
  parseCommitted,
  parseHistory,
  parseInvoice,
  parseIssued,
  parseProfiles,
  parseSession,
  parseStatistics,
  parseVerification,
  ResponseShapeError,
  type InvoiceStatistics,
  type Session,
  type Verification,
} from './parse.js';
import { type AccessView, parseAccessList, parseReadResult, type ReadResult } from './access-parse.js';
import { type InvoiceContent, parseInvoiceContent } from './invoice-content.js';
import type { Period } from './period.js';
import {
  type CreatedShareLink,
  parseCreatedShareLink,
  parseShareContent,
  parseShareLink,
  parseShareLinkList,
  type ShareContent,
  type ShareLinkView,
} from './share-link.js';
import {
  type GrantView,
  type KeyStatus,
  parseGrantAnswer,
  parseGrantList,
  parseKeyAnswer,
  parseKeyStatus,
  parsePrepared,
  type ResidentKey,
} from './consent-parse.js';
import { parsePolicies, parsePoliciesAnswer, type PoliciesView } from './policy-parse.js';
import type { Prepared } from './signing.js';
import {
  type AccessRequestView,
  type NotificationView,
  parseAccessRequest,
  parseApproved,
  parseNotificationAnswer,
  parseNotificationList,
  parseRequestList,
} from './requests-parse.js';

/** A signed consent operation: the payload as prepared, and the resident's signature over its bytes. */
export interface SignedBody {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signature: string;
}

/** A refusal or failure: the API's error code (or NETWORK / UNEXPECTED_RESPONSE) and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API beside the pages: /app/x.html → /api/v1/. */
export function defaultBase(): URL {
  return new URL('../api/v1/', document.baseURI);
}

export interface LockRequest {
  readonly claimId: string;
  readonly amount: number;
  readonly ttlSeconds: number;
}

/** Filters of the invoice list; blank ones are left out. */
export interface ListQuery {
  readonly issuer?: string;
  readonly status?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly after?: string;
}

/** The query string of GET /invoices. */
export function listQueryString(query: ListQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export interface RedFlushRequest {
  /** The red invoice's own code and number. */
  readonly code: string;
  readonly number: string;
  readonly reason: string;
}

type Body = { json: unknown } | { form: FormData } | undefined;

async function answer<T>(response: Response, parse: (value: unknown) => T): Promise<T> {
  const value: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = errorBody(value);
    if (error === undefined) throw new ApiError(response.status, 'UNEXPECTED_RESPONSE', `HTTP ${response.status}`);
    throw new ApiError(response.status, error.code, error.message);
  }
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof ResponseShapeError) throw new ApiError(response.status, 'UNEXPECTED_RESPONSE', err.message);
    throw err;
  }
}

/** The request body; a JSON body also sets its content type. */
function payloadOf(body: Body, headers: Headers): BodyInit | null {
  if (body === undefined) return null;
  if ('form' in body) return body.form;
  headers.set('content-type', 'application/json');
  return JSON.stringify(body.json);
}

async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
}

/** The header that makes a write happen once however often it is sent. */
function keyHeader(idempotencyKey: string): Record<string, string> {
  return { 'idempotency-key': idempotencyKey };
}

export interface ReadRequest {
  purpose: string;
  fields: string[];
  grantId?: string;
  breakGlassReason?: string;
}

export interface ShareLinkRequest {
  recordId: string;
  fields: string[];
  expiresInMinutes: number;
}

export class Api {
  /** Called when the API says the token is no longer valid. */
  onUnauthenticated: () => void = () => undefined;

  constructor(
    private readonly base: URL,
    private readonly token?: string,
  ) {}

  withToken(token: string): Api {
    const api = new Api(this.base, token);
    api.onUnauthenticated = this.onUnauthenticated;
    return api;
  }

  private async call<T>(
    method: string,
    path: string,
    body: Body,
    parse: (value: unknown) => T,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers = new Headers(extraHeaders);
    if (this.token !== undefined) headers.set('authorization', `Bearer ${this.token}`);
    const response = await send(new URL(path, this.base), { method, headers, body: payloadOf(body, headers) });
    if (response.status === 401 && this.token !== undefined) this.onUnauthenticated();
    return answer(response, parse);
  }

  private invoicePath(id: InvoiceId, rest = ''): string {
    return `invoices/${encodeURIComponent(id.code)}/${encodeURIComponent(id.number)}${rest}`;
  }

  login(username: string, password: string): Promise<Session> {
    return this.call('POST', 'auth/login', { json: { username, password } }, parseSession);
  }

  /** Issues an invoice; a retry with the same key after a lost answer returns the first result. */
  issue(invoice: unknown, pdf: File, idempotencyKey: string): Promise<Issued> {
    const form = new FormData();
    form.set('invoice', JSON.stringify(invoice));
    form.set('pdf', pdf, pdf.name);
    return this.call('POST', 'invoices', { form }, parseIssued, keyHeader(idempotencyKey));
  }

  /** Invoices newest first, one page; `after` is the previous page's `next`. */
  list(query: ListQuery): Promise<InvoiceListPage> {
    return this.call('GET', `invoices${listQueryString(query)}`, undefined, parseInvoiceList);
  }

  /** Cancels the invoice with a linked red invoice of its own code, number and PDF; once per key. */
  redFlush(id: InvoiceId, red: RedFlushRequest, pdf: File, idempotencyKey: string): Promise<RedFlushed> {
    const form = new FormData();
    form.set('red', JSON.stringify(red));
    form.set('pdf', pdf, pdf.name);
    const path = this.invoicePath(id, '/red-flush');
    return this.call('POST', path, { form }, parseRedFlushed, keyHeader(idempotencyKey));
  }

  verify(id: InvoiceId, checkCode: string, pdf: File | undefined): Promise<Verification> {
    const form = new FormData();
    form.set('code', id.code);
    form.set('number', id.number);
    form.set('checkCode', checkCode);
    if (pdf !== undefined) form.set('pdf', pdf, pdf.name);
    return this.call('POST', 'invoices/verify', { form }, parseVerification);
  }

  invoice(id: InvoiceId): Promise<InvoiceSummary> {
    return this.call('GET', this.invoicePath(id), undefined, (value) => parseInvoice(value, 'body'));
  }

  history(id: InvoiceId): Promise<HistoryItem[]> {
    return this.call('GET', this.invoicePath(id, '/history'), undefined, parseHistory);
  }

  /** The invoice's structured data as it stands now (its issuer's billing clerks only). */
  content(id: InvoiceId): Promise<InvoiceContent> {
    return this.call('GET', this.invoicePath(id, '/content'), undefined, parseInvoiceContent);
  }

  checkCode(id: InvoiceId): Promise<string> {
    return this.call('GET', this.invoicePath(id, '/check-code'), undefined, parseCheckCode);
  }

  /** The lifecycle operations (lock, reimburse, unlock, void, write-off), each once per key. */
  lock(id: InvoiceId, request: LockRequest, idempotencyKey: string): Promise<Committed> {
    return this.lifecycle(this.invoicePath(id, '/locks'), request, idempotencyKey);
  }

  reimburse(id: InvoiceId, claimId: string, amount: number, idempotencyKey: string): Promise<Committed> {
    const path = this.invoicePath(id, `/locks/${encodeURIComponent(claimId)}/reimburse`);
    return this.lifecycle(path, { amount }, idempotencyKey);
  }

  unlock(id: InvoiceId, claimId: string, reason: string, idempotencyKey: string): Promise<Committed> {
    const path = this.invoicePath(id, `/locks/${encodeURIComponent(claimId)}/unlock`);
    return this.lifecycle(path, { reason }, idempotencyKey);
  }

  private lifecycle(path: string, body: object, idempotencyKey: string): Promise<Committed> {
    return this.call('POST', path, { json: body }, parseCommitted, keyHeader(idempotencyKey));
  }

  /** Corrects the invoice (its issuer, before any lock or claim); a retry with the same key changes nothing twice. */
  update(id: InvoiceId, invoice: unknown, pdf: File, idempotencyKey: string): Promise<Committed> {
    const form = new FormData();
    form.set('invoice', JSON.stringify(invoice));
    form.set('pdf', pdf, pdf.name);
    return this.call('POST', this.invoicePath(id, '/update'), { form }, parseCommitted, keyHeader(idempotencyKey));
  }

  void(id: InvoiceId, reason: string, idempotencyKey: string): Promise<Committed> {
    return this.lifecycle(this.invoicePath(id, '/void'), { reason }, idempotencyKey);
  }

  writeOff(id: InvoiceId, reason: string, idempotencyKey: string): Promise<Committed> {
    return this.lifecycle(this.invoicePath(id, '/write-off'), { reason }, idempotencyKey);
  }

  registry(): Promise<OrgProfile[]> {
    return this.call('GET', 'registry/orgs', undefined, parseProfiles);
  }

  /** Figures over the days `from` to `to` (China Standard Time), both included. */
  statistics(period: Period): Promise<InvoiceStatistics> {
    const query = new URLSearchParams({ from: period.from, to: period.to });
    return this.call('GET', `statistics/invoices?${query.toString()}`, undefined, parseStatistics);
  }

  consentKey(): Promise<KeyStatus> {
    return this.call('GET', 'consent/key', undefined, parseKeyStatus);
  }

  /** The payload of a signed operation and the exact bytes to sign. */
  signingPayload(request: Readonly<Record<string, unknown>>): Promise<Prepared> {
    return this.call('POST', 'consent/signing-payloads', { json: request }, parsePrepared);
  }

  registerKey(body: SignedBody): Promise<ResidentKey> {
    return this.call('POST', 'consent/key', { json: body }, parseKeyAnswer);
  }

  rotateKey(body: SignedBody & { readonly newKeySignature: string }): Promise<ResidentKey> {
    return this.call('POST', 'consent/key/rotate', { json: body }, parseKeyAnswer);
  }

  /** Counter staff replace a resident's lost key: the recovery code's payload and signature, and why. */
  recoverKey(body: SignedBody & { readonly reason: string }): Promise<ResidentKey> {
    return this.call('POST', 'consent/key/recover', { json: body }, parseKeyAnswer);
  }

  grant(body: SignedBody): Promise<GrantView> {
    return this.call('POST', 'consent/grants', { json: body }, parseGrantAnswer);
  }

  changeGrant(grantId: string, body: SignedBody): Promise<GrantView> {
    return this.call('POST', `consent/grants/${encodeURIComponent(grantId)}/change`, { json: body }, parseGrantAnswer);
  }

  revokeGrant(grantId: string, body: SignedBody): Promise<GrantView> {
    return this.call('POST', `consent/grants/${encodeURIComponent(grantId)}/revoke`, { json: body }, parseGrantAnswer);
  }

  /** The signed-in resident's narrowing of the general access policies. */
  myPolicies(): Promise<PoliciesView> {
    return this.call('GET', 'consent/policies', undefined, parsePolicies);
  }

  setPolicies(body: SignedBody): Promise<PoliciesView> {
    return this.call('POST', 'consent/policies', { json: body }, parsePoliciesAnswer);
  }

  myGrants(): Promise<GrantView[]> {
    return this.call('GET', 'consent/grants', undefined, parseGrantList);
  }

  /** The grants naming the signed-in doctor or their institution. */
  doctorGrants(): Promise<GrantView[]> {
    return this.call('GET', 'consent/doctor/grants', undefined, parseGrantList);
  }

  /** A doctor asks a resident for access. */
  requestAccess(request: Readonly<Record<string, unknown>>): Promise<AccessRequestView> {
    return this.call('POST', 'access-requests', { json: request }, parseAccessRequest);
  }

  /** A resident's requests addressed to them, or a doctor's own requests. */
  accessRequests(status?: AccessRequestView['status']): Promise<AccessRequestView[]> {
    const query = status === undefined ? '' : `?status=${status}`;
    return this.call('GET', `access-requests${query}`, undefined, parseRequestList);
  }

  approveRequest(requestId: string, body: SignedBody): Promise<AccessRequestView> {
    return this.call('POST', `access-requests/${encodeURIComponent(requestId)}/approve`, { json: body }, parseApproved);
  }

  denyRequest(requestId: string, reason: string): Promise<AccessRequestView> {
    const path = `access-requests/${encodeURIComponent(requestId)}/deny`;
    return this.call('POST', path, { json: { reason } }, parseAccessRequest);
  }

  notifications(): Promise<{ notifications: NotificationView[]; unread: number }> {
    return this.call('GET', 'notifications', undefined, parseNotificationList);
  }

  /** A doctor reads a record: the ledger decides, the access is recorded, the granted fields come back. */
  readRecord(recordId: string, request: ReadRequest): Promise<ReadResult> {
    const path = `access/records/${encodeURIComponent(recordId)}`;
    return this.call('POST', path, { json: request }, parseReadResult);
  }

  /** Every access to the signed-in resident's records, allowed or refused. */
  myAccesses(): Promise<AccessView[]> {
    return this.call('GET', 'access/mine', undefined, parseAccessList);
  }

  /** The signed-in resident shares fields of one of their records; the answer's url carries the key. */
  createShareLink(request: ShareLinkRequest): Promise<CreatedShareLink> {
    return this.call('POST', 'share-links', { json: request }, parseCreatedShareLink);
  }

  /** The signed-in resident's share links, newest first. */
  shareLinks(): Promise<ShareLinkView[]> {
    return this.call('GET', 'share-links', undefined, parseShareLinkList);
  }

  withdrawShareLink(linkId: string): Promise<ShareLinkView> {
    return this.call('DELETE', `share-links/${encodeURIComponent(linkId)}`, undefined, parseShareLink);
  }

  /** A share link's sealed content (no sign-in); the open is logged as an access. */
  shareContent(linkId: string): Promise<ShareContent> {
    return this.call('GET', `share-links/${encodeURIComponent(linkId)}/content`, undefined, parseShareContent);
  }

  markRead(id: string): Promise<NotificationView> {
    return this.call('POST', `notifications/${encodeURIComponent(id)}/read`, undefined, parseNotificationAnswer);
  }
}
