import { RECORD_BATCH_MAX } from '@hdt/vocabulary';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import type { RecordIntake } from './intake';
import {
  batchOutcomeSchema,
  errorListQuerySchema,
  errorListSchema,
  errorParamsSchema,
  qualityQuerySchema,
  qualityReportSchema,
  resubmitBodySchema,
  resubmitResultSchema,
  recordHistorySchema,
  recordIndexSchema,
  recordParamsSchema,
  recordProofSchema,
  registerBatchBodySchema,
  retractRecordBodySchema,
  updateRecordBodySchema,
  verifyRecordBodySchema,
  verifyResultSchema,
} from './schemas';
import type { RecordsService } from './service';

const WRITERS = 'Doctors and billing clerks of a hospital, for their own hospital (the source organisation).';
const READERS = 'Every signed-in user except residents.';

function registerRoute(intake: RecordIntake): Route {
  return route({
    method: 'post',
    path: '/records/batches',
    operationId: 'registerRecordBatch',
    tag: 'records',
    summary: `Submit up to ${RECORD_BATCH_MAX} record indices: those passing the data-quality rules go on chain in one transaction`,
    description:
      `${WRITERS} Each entry is checked against the data-quality rules (README, *Data quality*); the entries ` +
      'that pass are registered in one transaction under their SM3 Merkle root, the others go to the error store ' +
      'with the ids of the rules they break. 201 when a batch was registered, 200 when every entry was rejected. ' +
      'Leaf = SM3(0x00 || UTF-8 canonical JSON of the entry with its sourceOrg), node = SM3(0x01 || left || right), ' +
      'the last node of an odd level promoted unchanged.',
    auth: 'bearer',
    body: { json: registerBatchBodySchema },
    responses: {
      201: {
        description: 'The accepted entries registered; the batch id is the transaction id',
        schema: batchOutcomeSchema,
      },
      200: { description: 'Every entry rejected into the error store; nothing on chain', schema: batchOutcomeSchema },
    },
    errors: [400, 401, 403, 409, 503],
    handle: async ({ req }) => {
      const body = parse(registerBatchBodySchema, req.body);
      const outcome = await intake.submit(currentUser(req), body.records);
      return { status: outcome.batch === null ? 200 : 201, body: outcome };
    },
  });
}

function errorsRoute(intake: RecordIntake): Route {
  return route({
    method: 'get',
    path: '/records/errors',
    operationId: 'listRecordQualityErrors',
    tag: 'records',
    summary: "The error store: the caller's hospital's rejected index entries, newest first, with the rules they broke",
    description: `${WRITERS} Paged: pass the answer's \`next\` as \`after\`.`,
    auth: 'bearer',
    query: errorListQuerySchema,
    responses: { 200: { description: 'A page of rejected entries', schema: errorListSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, query }) => ({ status: 200, body: await intake.listErrors(currentUser(req), query) }),
  });
}

function resubmitRoute(intake: RecordIntake): Route {
  return route({
    method: 'post',
    path: '/records/errors/:errorId/resubmit',
    operationId: 'resubmitRecordQualityError',
    tag: 'records',
    summary: 'Resubmit a rejected index entry, corrected: registered on chain and the error marked resolved',
    description:
      `${WRITERS} The corrected entry must pass every rule (422 RECORD_QUALITY_FAILED names those it breaks, ` +
      'and nothing changes); a resolved error answers 409 QUALITY_ERROR_RESOLVED.',
    auth: 'bearer',
    params: errorParamsSchema,
    body: { json: resubmitBodySchema },
    responses: { 200: { description: 'Registered; the error is resolved', schema: resubmitResultSchema } },
    errors: [400, 401, 403, 404, 409, 422, 503],
    handle: async ({ req, params }) => {
      const body = parse(resubmitBodySchema, req.body);
      return { status: 200, body: await intake.resubmit(currentUser(req), params.errorId, body.record) };
    },
  });
}

function qualityRoute(intake: RecordIntake): Route {
  return route({
    method: 'get',
    path: '/records/quality',
    operationId: 'recordQuality',
    tag: 'records',
    summary: 'Accepted and rejected index entries per hospital per day (China Standard Time), with totals',
    description:
      "A hospital's doctors and billing clerks see their own hospital; the health commission's supervisors and admins see all.",
    auth: 'bearer',
    query: qualityQuerySchema,
    responses: { 200: { description: 'Daily counts', schema: qualityReportSchema } },
    errors: [400, 401, 403, 503],
    handle: async ({ req, query }) => ({
      status: 200,
      body: await intake.report(currentUser(req), query.from, query.to),
    }),
  });
}

function proveRoute(records: RecordsService): Route {
  return route({
    method: 'get',
    path: '/records/:recordId',
    operationId: 'readRecord',
    tag: 'records',
    summary: 'A record index with the Merkle proof of its registered entry against its batch root on chain',
    description: READERS,
    auth: 'bearer',
    params: recordParamsSchema,
    responses: { 200: { description: 'The index and its proof', schema: recordProofSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await records.prove(currentUser(req), params.recordId) }),
  });
}

function verifyRoute(records: RecordsService): Route {
  return route({
    method: 'post',
    path: '/records/:recordId/verify',
    operationId: 'verifyRecord',
    tag: 'records',
    summary: "Verify an off-chain copy: its SM3 against the record's current digest on chain",
    description: `${READERS} Send the copy's bytes in base64 (contentBase64) or their SM3 (digest).`,
    auth: 'bearer',
    params: recordParamsSchema,
    body: { json: verifyRecordBodySchema },
    responses: { 200: { description: 'authentic or tampered', schema: verifyResultSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => {
      const body = parse(verifyRecordBodySchema, req.body);
      return { status: 200, body: await records.verify(currentUser(req), params.recordId, body) };
    },
  });
}

function updateRoute(records: RecordsService): Route {
  return route({
    method: 'post',
    path: '/records/:recordId/update',
    operationId: 'updateRecord',
    tag: 'records',
    summary: 'Record a new digest and pointer of the record (a correction), with a reason; history kept',
    description: WRITERS,
    auth: 'bearer',
    params: recordParamsSchema,
    body: { json: updateRecordBodySchema },
    responses: { 200: { description: 'Updated', schema: recordIndexSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const body = parse(updateRecordBodySchema, req.body);
      return { status: 200, body: await records.update(currentUser(req), params.recordId, body) };
    },
  });
}

function retractRoute(records: RecordsService): Route {
  return route({
    method: 'post',
    path: '/records/:recordId/retract',
    operationId: 'retractRecord',
    tag: 'records',
    summary: 'Retract the record, with a reason; its index stays on the ledger',
    description: WRITERS,
    auth: 'bearer',
    params: recordParamsSchema,
    body: { json: retractRecordBodySchema },
    responses: { 200: { description: 'Retracted', schema: recordIndexSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req, params }) => {
      const body = parse(retractRecordBodySchema, req.body);
      return { status: 200, body: await records.retract(currentUser(req), params.recordId, body) };
    },
  });
}

function historyRoute(records: RecordsService): Route {
  return route({
    method: 'get',
    path: '/records/:recordId/history',
    operationId: 'recordHistory',
    tag: 'records',
    summary: "Every version of the record's index, oldest first",
    description: READERS,
    auth: 'bearer',
    params: recordParamsSchema,
    responses: { 200: { description: 'The versions', schema: recordHistorySchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({
      status: 200,
      body: await records.history(currentUser(req), params.recordId),
    }),
  });
}

export function recordsRoutes(records: RecordsService, intake: RecordIntake): Route[] {
  return [
    registerRoute(intake),
    errorsRoute(intake),
    qualityRoute(intake),
    resubmitRoute(intake),
    historyRoute(records),
    proveRoute(records),
    verifyRoute(records),
    updateRoute(records),
    retractRoute(records),
  ];
}
