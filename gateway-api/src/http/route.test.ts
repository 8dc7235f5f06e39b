import express, { type RequestHandler, Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { silentLogger } from '../logger';
import { errorHandler } from './errors';
import { type Reply, route } from './route';

const pass: RequestHandler = (_req, _res, next) => next();

/** An app with one GET /thing route answering `reply`, declared to answer `{ ok: boolean }`. */
function appAnswering(reply: Reply) {
  const router = Router();
  route({
    method: 'get',
    path: '/thing/:id',
    operationId: 'getThing',
    tag: 'system',
    summary: 'A thing',
    auth: 'public',
    params: z.object({ id: z.string().regex(/^\d+$/, { error: 'must be digits' }) }),
    responses: { 200: { description: 'The thing', schema: z.object({ ok: z.boolean() }) } },
    errors: [400],
    handle: () => Promise.resolve(reply),
  }).mount(router, pass);
  const app = express();
  app.use(router);
  app.use(errorHandler(silentLogger));
  return app;
}

describe('declared routes', () => {
  it('send a body that matches the schema declared for its status', async () => {
    const res = await request(appAnswering({ status: 200, body: { ok: true }, headers: { 'X-A': '1' } })).get(
      '/thing/1',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['x-a']).toBe('1');
  });

  it('fail with INTERNAL when a handler returns a body that does not match its declared schema', async () => {
    const res = await request(appAnswering({ status: 200, body: { ok: 'yes' }, headers: { 'X-A': '1' } })).get(
      '/thing/1',
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'INTERNAL', message: 'response does not match its declared schema' });
    expect(res.headers['x-a']).toBeUndefined();
  });

  it('fail with INTERNAL when a handler answers a status it does not declare', async () => {
    const res = await request(appAnswering({ status: 201, body: { ok: true } })).get('/thing/1');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL' });
  });

  it('validate path parameters with the declared schema, naming the field', async () => {
    const res = await request(appAnswering({ status: 200, body: { ok: true } })).get('/thing/x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'VALIDATION', message: 'id: must be digits' });
  });
});
