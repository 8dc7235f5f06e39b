import request from 'supertest';
import { harness } from '../../test/harness';
import { errorBody } from '../../test/api';

describe('app plumbing', () => {
  it('answers 404 NOT_FOUND as JSON for unknown routes and sets security headers and a request id', async () => {
    const h = await harness();
    const res = await request(h.app).get('/nope').set('X-Request-Id', 'req-123');
    expect(res.status).toBe(404);
    expect(errorBody.parse(res.body).code).toBe('NOT_FOUND');
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
