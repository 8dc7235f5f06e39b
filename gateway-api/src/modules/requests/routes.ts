import { CONSENT_SIGNING_DESCRIPTION } from '@hdt/vocabulary';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser, requireRole } from '../auth/middleware';
import type { ReferralService } from './referrals';
import {
  accessRequestSchema,
  approveBodySchema,
  approveResponseSchema,
  closeReferralBodySchema,
  closeReferralParamsSchema,
  closeReferralResponseSchema,
  createRequestBodySchema,
  denyBodySchema,
  requestListQuerySchema,
  requestListResponseSchema,
  requestParamsSchema,
} from './schemas';
import type { AccessRequestService } from './service';

const ANSWER = "The resident the request is addressed to. Another resident's request answers 404.";
const DECIDED =
  ' A request already approved or denied is 409 ACCESS_REQUEST_DECIDED, one past answerBy 409 ACCESS_REQUEST_EXPIRED.';

function createRoute(requests: AccessRequestService): Route {
  return route({
    method: 'post',
    path: '/access-requests',
    operationId: 'requestAccess',
    tag: 'requests',
    summary: 'A doctor asks a resident for access: purpose, scope, validity wanted, optional referral, a message',
    description:
      'Doctors. The resident is notified; the request is PENDING until answered or until answerBy. ' +
      'notAfter must be after notBefore and in the future; referralId is required for the purpose REFERRAL ' +
      '(400 naming the field otherwise).',
    auth: 'bearer',
    before: [requireRole('doctor')],
    body: { json: createRequestBodySchema },
    responses: { 201: { description: 'Requested', schema: accessRequestSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req }) => {
      const body = parse(createRequestBodySchema, req.body);
      return { status: 201, body: await requests.create(currentUser(req), body) };
    },
  });
}

function listRoute(requests: AccessRequestService): Route {
  return route({
    method: 'get',
    path: '/access-requests',
    operationId: 'listAccessRequests',
    tag: 'requests',
    summary: 'A resident: the requests addressed to me; a doctor: the requests I made. Newest first',
    description: 'Residents and doctors, their own only.',
    auth: 'bearer',
    query: requestListQuerySchema,
    responses: { 200: { description: 'The requests', schema: requestListResponseSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, query }) => ({
      status: 200,
      body: { requests: await requests.list(currentUser(req), query.status) },
    }),
  });
}

function readRoute(requests: AccessRequestService): Route {
  return route({
    method: 'get',
    path: '/access-requests/:requestId',
    operationId: 'readAccessRequest',
    tag: 'requests',
    summary: 'One request with its status now, and the grant terms that approve it',
    description: 'Its resident and the doctor who made it; to anyone else 404.',
    auth: 'bearer',
    params: requestParamsSchema,
    responses: { 200: { description: 'The request', schema: accessRequestSchema } },
    errors: [400, 401, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await requests.get(currentUser(req), params.requestId) }),
  });
}

function approveRoute(requests: AccessRequestService): Route {
  return route({
    method: 'post',
    path: '/access-requests/:requestId/approve',
    operationId: 'approveAccessRequest',
    tag: 'requests',
    summary: "Approve: the grant of the request's `grant` terms, signed by me",
    description:
      `${ANSWER} Prepare {op: "consent.grant", grant: <the request's grant>} with POST /consent/signing-payloads, ` +
      'sign it and send it here. A signed grant differing from the request in any term is 409 ' +
      `REQUEST_GRANT_MISMATCH naming the term.${DECIDED} Signed encoding: ${CONSENT_SIGNING_DESCRIPTION}`,
    auth: 'bearer',
    before: [requireRole('resident')],
    params: requestParamsSchema,
    body: { json: approveBodySchema },
    responses: { 200: { description: 'Approved: the request and its grant', schema: approveResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const body = parse(approveBodySchema, req.body);
      return { status: 200, body: await requests.approve(currentUser(req), params.requestId, body) };
    },
  });
}

function denyRoute(requests: AccessRequestService): Route {
  return route({
    method: 'post',
    path: '/access-requests/:requestId/deny',
    operationId: 'denyAccessRequest',
    tag: 'requests',
    summary: 'Deny, with a reason the doctor sees',
    description: `${ANSWER}${DECIDED}`,
    auth: 'bearer',
    before: [requireRole('resident')],
    params: requestParamsSchema,
    body: { json: denyBodySchema },
    responses: { 200: { description: 'Denied', schema: accessRequestSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const { reason } = parse(denyBodySchema, req.body);
      return { status: 200, body: await requests.deny(currentUser(req), params.requestId, reason) };
    },
  });
}

function closeReferralRoute(referrals: ReferralService): Route {
  return route({
    method: 'post',
    path: '/referrals/:referralId/close',
    operationId: 'closeReferral',
    tag: 'requests',
    summary: "Close a referral: the resident's active grants for it to my hospital end (ENDED)",
    description:
      "A hospital's doctors and billing clerks, with the hospital's identity (consent:EndReferral). Only grants " +
      'naming this referral and granted to that hospital end; `ended` lists them (none: an empty list).',
    auth: 'bearer',
    params: closeReferralParamsSchema,
    body: { json: closeReferralBodySchema },
    responses: { 200: { description: 'Closed', schema: closeReferralResponseSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, params }) => {
      const { residentId } = parse(closeReferralBodySchema, req.body);
      return { status: 200, body: await referrals.close(currentUser(req), params.referralId, residentId) };
    },
  });
}

/** Access requests and their answers, and the closing of referrals. */
export function requestRoutes(requests: AccessRequestService, referrals: ReferralService): Route[] {
  return [
    ...[createRoute, listRoute, readRoute, approveRoute, denyRoute].map((declare) => declare(requests)),
    closeReferralRoute(referrals),
  ];
}
