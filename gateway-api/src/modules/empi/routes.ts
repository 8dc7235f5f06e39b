/** The EMPI resource: link and look up patients, the resident view, merge, split, audit. */
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import {
  auditListSchema,
  auditQuerySchema,
  auditVerificationSchema,
  linkBodySchema,
  linkParamsSchema,
  linkResultSchema,
  mergeBodySchema,
  mergeResultSchema,
  residentParamsSchema,
  residentViewSchema,
  splitBodySchema,
  splitResultSchema,
} from './schemas';
import type { EmpiService } from './service';

const RULE =
  'Matching: an equal HMAC-SM3 of the ID number is the same resident, automatically; without an ID number ' +
  'the patient gets a resident of its own, and residents linked with equal name, birth date and sex are listed ' +
  'as candidates for the health commission to merge.';
const COMMISSION = "The health commission's supervisors and admins.";

function linkRoute(empi: EmpiService): Route {
  return route({
    method: 'post',
    path: '/empi/links',
    operationId: 'linkEmpiPatient',
    tag: 'empi',
    summary: "Link a hospital's patient to a resident by the matching rule",
    description: `Doctors and billing clerks of a hospital, for their own hospital. ${RULE} Linking a linked patient again answers its link (200).`,
    auth: 'bearer',
    body: { json: linkBodySchema },
    responses: {
      201: { description: 'Linked', schema: linkResultSchema },
      200: { description: 'Already linked: the existing link', schema: linkResultSchema },
    },
    errors: [400, 401, 403, 503],
    handle: async ({ req }) => {
      const result = await empi.link(currentUser(req), parse(linkBodySchema, req.body));
      return { status: result.created ? 201 : 200, body: result };
    },
  });
}

function lookupRoute(empi: EmpiService): Route {
  return route({
    method: 'get',
    path: '/empi/links/:org/:patientId',
    operationId: 'lookupEmpiPatient',
    tag: 'empi',
    summary: "The resident an organisation's patient is linked to",
    description: `A hospital's doctors and clerks for their own hospital; ${COMMISSION}`,
    auth: 'bearer',
    params: linkParamsSchema,
    responses: { 200: { description: 'The link and its resident', schema: linkResultSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await empi.lookup(currentUser(req), params.org, params.patientId),
    }),
  });
}

function residentRoute(empi: EmpiService): Route {
  return route({
    method: 'get',
    path: '/empi/residents/:residentId',
    operationId: 'readEmpiResident',
    tag: 'empi',
    summary: "One resident's records from every hospital: resident → encounters → records",
    description: `Hospital doctors and clerks; ${COMMISSION} Each record's index and proof are at GET /records/{recordId}.`,
    auth: 'bearer',
    params: residentParamsSchema,
    responses: { 200: { description: 'The resident view', schema: residentViewSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await empi.resident(currentUser(req), params.residentId),
    }),
  });
}

function mergeRoute(empi: EmpiService): Route {
  return route({
    method: 'post',
    path: '/empi/merges',
    operationId: 'mergeEmpiResidents',
    tag: 'empi',
    summary: 'Merge a resident into another: every link moves; audited with before and after',
    description: `${COMMISSION} Residents with different ID numbers are never merged (409 EMPI_CONFLICT).`,
    auth: 'bearer',
    body: { json: mergeBodySchema },
    responses: { 200: { description: 'Merged', schema: mergeResultSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req }) => ({
      status: 200,
      body: await empi.merge(currentUser(req), parse(mergeBodySchema, req.body)),
    }),
  });
}

function splitRoute(empi: EmpiService): Route {
  return route({
    method: 'post',
    path: '/empi/splits',
    operationId: 'splitEmpiResident',
    tag: 'empi',
    summary: "Move some of a resident's links to a new resident; audited with before and after",
    description: COMMISSION,
    auth: 'bearer',
    body: { json: splitBodySchema },
    responses: { 201: { description: 'Split', schema: splitResultSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req }) => ({
      status: 201,
      body: await empi.split(currentUser(req), parse(splitBodySchema, req.body)),
    }),
  });
}

function auditRoute(empi: EmpiService): Route {
  return route({
    method: 'get',
    path: '/empi/audit',
    operationId: 'listEmpiAudit',
    tag: 'empi',
    summary: 'The audit trail of merges and splits, newest first, each entry chained to the one before by SM3',
    description: `${COMMISSION} Paged: pass the answer's \`next\` as \`before\`.`,
    auth: 'bearer',
    query: auditQuerySchema,
    responses: { 200: { description: 'Audit entries', schema: auditListSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, query }) => ({ status: 200, body: await empi.auditTrail(currentUser(req), query) }),
  });
}

function verifyAuditRoute(empi: EmpiService): Route {
  return route({
    method: 'get',
    path: '/empi/audit/verify',
    operationId: 'verifyEmpiAudit',
    tag: 'empi',
    summary: 'Checks the whole audit trail: its SM3 chain, and its entry at the head anchored on chain',
    description:
      `${COMMISSION} Each merge and split anchors its new entry's seq and chained hash on chain ` +
      '(records:AnchorEmpiAudit); the anchored hash vouches for every entry up to it, so a changed, removed or ' +
      'inserted entry, or one cut from the end, is reported.',
    auth: 'bearer',
    responses: { 200: { description: 'The verdict', schema: auditVerificationSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: await empi.verifyAudit(currentUser(req)) }),
  });
}

export function empiRoutes(empi: EmpiService): Route[] {
  return [
    linkRoute(empi),
    lookupRoute(empi),
    residentRoute(empi),
    mergeRoute(empi),
    splitRoute(empi),
    auditRoute(empi),
    verifyAuditRoute(empi),
  ];
}
