import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
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

describe('web pages', () => {
  it('serves the files of webDir under /app/ with the security headers; /app redirects to /app/', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'web-pages-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>pages</title>');
    const h = await harness({ webDir: dir });

    const page = await request(h.app).get('/app/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<title>pages</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await request(h.app).get('/app')).headers['location']).toBe('/app/');
    const missing = await request(h.app).get('/app/missing.js');
    expect(missing.status).toBe(404);
    expect(errorBody.parse(missing.body).code).toBe('NOT_FOUND');
  });

  it('serves no pages when no webDir is given', async () => {
    const h = await harness();
    expect((await request(h.app).get('/app/')).status).toBe(404);
  });
});
