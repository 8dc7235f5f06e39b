import { RECORD_BATCH_MAX } from '@hdt/vocabulary';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import {
  batchResultSchema,
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

function registerRoute(records: RecordsService): Route {
  return route({
    method: 'post',
    path: '/records/batches',
    operationId: 'registerRecordBatch',
    tag: 'records',
    summary: `Register up to ${RECORD_BATCH_MAX} record indices in one transaction, anchored by their SM3 Merkle root`,
    description:
      `${WRITERS} All or none. Leaf = SM3(0x00 || UTF-8 canonical JSON of the entry with its sourceOrg), ` +
      'node = SM3(0x01 || left || right), the last node of an odd level promoted unchanged.',
    auth: 'bearer',
    body: { json: registerBatchBodySchema },
    responses: { 201: { description: 'Registered; the batch id is the transaction id', schema: batchResultSchema } },
    errors: [400, 401, 403, 409, 503],
    handle: async ({ req }) => {
      const body = parse(registerBatchBodySchema, req.body);
      return { status: 201, body: await records.registerBatch(currentUser(req), body) };
    },
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

export function recordsRoutes(records: RecordsService): Route[] {
  return [
    registerRoute(records),
    historyRoute(records),
    proveRoute(records),
    verifyRoute(records),
    updateRoute(records),
    retractRoute(records),
  ];
}
