import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { harness, invoiceData, PDF, RecordingLogger } from '../../test/harness';
import { API, errorBody, sendBytes } from '../../test/api';

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

/** The app with a logger that records; requests as clerk1. */
async function loggedApp() {
  const logger = new RecordingLogger();
  const h = await harness({ logger });
  const token = await h.login('clerk1');
  return { h, logger, token };
}

/** The error answered and the level it was logged at: never `error` for a client's mistake. */
function expectClientError(
  res: request.Response,
  logger: RecordingLogger,
  expected: { status: number; code: string; message: RegExp },
) {
  expect(res.status).toBe(expected.status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = errorBody.parse(res.body);
  expect(body.code).toBe(expected.code);
  expect(body.message).toMatch(expected.message);
  expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  const logged = logger.lines.find(
    (line) => line.fields['status'] === expected.status && line.fields['code'] === expected.code,
  );
  expect(logged?.level).toBe('info');
}

const BOUNDARY = 'hdt-test-boundary';
const part = (headers: string, body: string) => `--${BOUNDARY}\r\n${headers}\r\n\r\n${body}\r\n`;

describe('malformed requests are the client’s mistake: 4xx in the error format, not logged as errors', () => {
  it('multipart without a boundary: 400', async () => {
    const { h, logger, token } = await loggedApp();
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'multipart/form-data')
      .send('invoice=1');
    expectClientError(res, logger, { status: 400, code: 'VALIDATION', message: /^content-type: .*boundary/ });
  });

  it('a truncated multipart body: 400', async () => {
    const { h, logger, token } = await loggedApp();
    const body =
      part('Content-Disposition: form-data; name="invoice"', JSON.stringify(invoiceData())) +
      part('Content-Disposition: form-data; name="pdf"; filename="a.pdf"\r\nContent-Type: application/pdf', '%PDF-1.7');
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(body.slice(0, -20));
    expectClientError(res, logger, { status: 400, code: 'VALIDATION', message: /^body: .*truncated/ });
    expect(h.chaincode.committed).toEqual([]);
  });

  it('a malformed percent-encoding in the path: 400', async () => {
    const { h, logger, token } = await loggedApp();
    const res = await request(h.app).get(`${API}/invoices/%ZZ/1`).set('Authorization', `Bearer ${token}`);
    expectClientError(res, logger, { status: 400, code: 'VALIDATION', message: /^path: malformed percent-encoding/ });
  });

  it('content-encoding gzip with a body that is not gzip: 400', async () => {
    const { h, logger } = await loggedApp();
    const res = await request(h.app)
      .post(`${API}/auth/login`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"username":"clerk1","password":"x"}');
    expectClientError(res, logger, { status: 400, code: 'VALIDATION', message: /^body: .*content-encoding/i });
  });

  it('a gzip JSON body is read', async () => {
    const { h } = await loggedApp();
    const res = await sendBytes(h.app, {
      method: 'POST',
      path: `${API}/auth/login`,
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ username: 'clerk1', password: 'correct horse battery' })),
    });
    expect(res.status).toBe(200);
  });

  it('an unsupported content-encoding: 415, and any content-encoding of a multipart body: 415', async () => {
    const { h, logger, token } = await loggedApp();
    const json = await request(h.app)
      .post(`${API}/auth/login`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{"username":"clerk1","password":"x"}');
    expectClientError(json, logger, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: /^content-encoding: / });
    const multipart = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(part('Content-Disposition: form-data; name="invoice"', '{}') + `--${BOUNDARY}--\r\n`));
    expectClientError(multipart, logger, {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: /^content-encoding: /,
    });
  });

  it('a JSON body over 1 MB: 413', async () => {
    const { h, logger } = await loggedApp();
    const res = await request(h.app)
      .post(`${API}/auth/login`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'clerk1', password: 'x'.repeat(1024 * 1024) }));
    expectClientError(res, logger, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /^body: / });
  });
});

describe('methods', () => {
  it.each([
    ['delete', '/invoices/31010125/0000000001', 'GET, HEAD, OPTIONS'],
    ['put', '/invoices/31010125/0000000001/pdf', 'GET, HEAD, OPTIONS'],
    ['get', '/invoices/verify', 'OPTIONS, POST'],
    ['get', '/auth/login', 'OPTIONS, POST'],
    ['patch', '/invoices', 'OPTIONS, POST'],
    ['post', '/health', 'GET, HEAD, OPTIONS'],
  ] as const)('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const { h, logger, token } = await loggedApp();
    const res = await request(h.app)[method](`${API}${path}`).set('Authorization', `Bearer ${token}`);
    expectClientError(res, logger, { status: 405, code: 'METHOD_NOT_ALLOWED', message: /not allowed/ });
    expect(res.headers['allow']).toBe(allow);
  });

  it('answers OPTIONS with the allowed methods', async () => {
    const { h } = await loggedApp();
    const res = await request(h.app).options(`${API}/invoices/31010125/0000000001`);
    expect(res.status).toBe(204);
    expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
  });

  it('still answers 404 for unknown paths, whatever the method', async () => {
    const { h } = await loggedApp();
    for (const method of ['get', 'delete'] as const) {
      const res = await request(h.app)[method](`${API}/invoices/31010125/0000000001/nope`);
      expect(res.status).toBe(404);
      expect(errorBody.parse(res.body).code).toBe('NOT_FOUND');
    }
  });

  it('still serves the declared methods', async () => {
    const { h, token } = await loggedApp();
    const res = await request(h.app)
      .post(`${API}/invoices`)
      .set('Authorization', `Bearer ${token}`)
      .field('invoice', JSON.stringify(invoiceData()))
      .attach('pdf', PDF, { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(201);
    expect((await request(h.app).head(`${API}/health`)).status).toBe(200);
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
