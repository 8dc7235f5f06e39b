import { ACCESS_ANCHOR_BOUND_SECONDS, ACCESS_LOG_RETENTION_DAYS, EMERGENCY_DEPARTMENT } from '@hdt/vocabulary';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import type { AccessAudit } from './audit';
import type { ContentService } from './content';
import {
  accessIdParamsSchema,
  accessListSchema,
  listQuerySchema,
  proofSchema,
  readRecordBodySchema,
  readResultSchema,
  recordParamsSchema,
  storeContentBodySchema,
  storedContentSchema,
  verifyLogSchema,
} from './schemas';
import type { AccessService } from './service';

export interface AccessRoutesDeps {
  access: AccessService;
  contents: ContentService;
  audit: AccessAudit;
}

const LOGGED =
  `Allowed or refused, the access is recorded (who, institution, role, resident, record, purpose, fields ` +
  `granted and withheld, outcome, reason, time) before anything is released, and anchored on chain within ` +
  `${ACCESS_ANCHOR_BOUND_SECONDS} s; access records are kept at least ${ACCESS_LOG_RETENTION_DAYS} days.`;

function storeRoute(contents: ContentService): Route {
  return route({
    method: 'put',
    path: '/records/:recordId/content',
    operationId: 'storeRecordContent',
    tag: 'access',
    summary: "Store a record's content off chain (SM4-sealed, in IPFS), checked against the index's digest",
    description:
      'A doctor or billing clerk of the hospital that indexed the record. The content document is ' +
      '{recordId, fields, attachment: null | {contentType, sm3, size}} (sm3 and size of the attachment bytes); ' +
      'the SM3 of the UTF-8 canonical JSON of that document (keys sorted, no white space) must be the digest the ' +
      'index holds on chain (409 CONTENT_DIGEST_MISMATCH otherwise, naming both). Storing again replaces the copy; ' +
      'the replaced copy is made unreadable. A PDF or PNG/JPEG attachment is released watermarked, so its ' +
      'bytes must be a readable document of its contentType (400 naming attachment.dataBase64 otherwise).',
    auth: 'bearer',
    params: recordParamsSchema,
    body: { json: storeContentBodySchema },
    responses: { 200: { description: 'Stored; pointer names the sealed copy', schema: storedContentSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const body = parse(storeContentBodySchema, req.body);
      return { status: 200, body: await contents.store(currentUser(req), params.recordId, body) };
    },
  });
}

function readRoute(access: AccessService): Route {
  return route({
    method: 'post',
    path: '/access/records/:recordId',
    operationId: 'readRecordContent',
    tag: 'access',
    summary: "Read a record's content: the ledger decides from the grant, only the granted fields are released",
    description:
      'Doctors of a hospital. The access contract reads the grant (grantId) and the record index on chain and ' +
      'decides at the transaction time; without grantId a general policy may apply (a hospital reads the records ' +
      `it indexed). Doctors of the ${EMERGENCY_DEPARTMENT} department may break the glass with purpose EMERGENCY ` +
      'and a breakGlassReason: the access is marked, listed for review and notified to the resident. ' +
      `${LOGGED} A refusal answers 403 ACCESS_REFUSED whose message starts with the reason and names the access ` +
      'record. The attachment (field "attachment") is released as a PDF watermarked with viewer, institution and time.',
    auth: 'bearer',
    params: recordParamsSchema,
    body: { json: readRecordBodySchema },
    responses: { 200: { description: 'Allowed: the granted fields', schema: readResultSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const body = parse(readRecordBodySchema, req.body);
      return { status: 200, body: await access.read(currentUser(req), params.recordId, body) };
    },
  });
}

function mineRoute(access: AccessService): Route {
  return route({
    method: 'get',
    path: '/access/mine',
    operationId: 'listMyAccesses',
    tag: 'access',
    summary: "Every access to the signed-in resident's records, allowed or refused, newest first",
    description: 'Residents only, for their own resident id.',
    auth: 'bearer',
    query: listQuerySchema,
    responses: { 200: { description: 'The accesses', schema: accessListSchema } },
    errors: [400, 401, 403],
    handle: async ({ req, query }) => ({
      status: 200,
      body: { accesses: await access.mine(currentUser(req), query.limit) },
    }),
  });
}

function breakGlassRoute(access: AccessService): Route {
  return route({
    method: 'get',
    path: '/access/break-glass',
    operationId: 'listBreakGlassAccesses',
    tag: 'access',
    summary: 'Break-glass accesses for review, newest first',
    description: "The health commission's supervisors and admins.",
    auth: 'bearer',
    query: listQuerySchema,
    responses: { 200: { description: 'The break-glass accesses', schema: accessListSchema } },
    errors: [400, 401, 403],
    handle: async ({ req, query }) => ({
      status: 200,
      body: { accesses: await access.breakGlass(currentUser(req), query.limit) },
    }),
  });
}

function proofRoute(audit: AccessAudit): Route {
  return route({
    method: 'get',
    path: '/access/log/:accessId/proof',
    operationId: 'accessRecordProof',
    tag: 'access',
    summary: 'An access record with its Merkle proof against the anchor on chain; intact, edited or unanchored',
    description:
      "The resident concerned, the reader's organisation, and the health commission's supervisors and admins. " +
      'The leaf is recomputed from the record as the database holds it now: SM3(0x00 || UTF-8 canonical JSON).',
    auth: 'bearer',
    params: accessIdParamsSchema,
    responses: { 200: { description: 'The record and its proof', schema: proofSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await audit.proof(currentUser(req), params.accessId) }),
  });
}

function verifyRoute(audit: AccessAudit): Route {
  return route({
    method: 'get',
    path: '/access/log/verify',
    operationId: 'verifyAccessLog',
    tag: 'access',
    summary: 'Check every anchored access record against the chain: edited or missing records, late anchoring',
    description: "The health commission's supervisors and admins.",
    auth: 'bearer',
    responses: { 200: { description: 'The result', schema: verifyLogSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: await audit.verify(currentUser(req)) }),
  });
}

export function accessRoutes(deps: AccessRoutesDeps): Route[] {
  return [
    storeRoute(deps.contents),
    readRoute(deps.access),
    mineRoute(deps.access),
    breakGlassRoute(deps.access),
    verifyRoute(deps.audit),
    proofRoute(deps.audit),
  ];
}
