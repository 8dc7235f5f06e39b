/** Helpers of the route tests: the API prefix, response shapes and a multipart issue request. */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { invoiceData, PDF, type Harness } from './harness';

export const API = '/api/v1';
export const errorBody = z.object({ code: z.string(), message: z.string() });
export const issueBody = z.object({
  code: z.string(),
  number: z.string(),
  checkCode: z.string(),
  issuingUnit: z.string(),
  txId: z.string(),
  status: z.string(),
  pdfDigest: z.string(),
  dataDigest: z.string(),
});
export const verifyBody = z.object({
  result: z.enum(['authentic', 'tampered', 'unknown']),
  status: z.string().optional(),
  mismatches: z.array(z.string()),
});

export const sm3 = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');

export function issue(h: Harness, token: string, data: Record<string, unknown> = invoiceData(), key?: string) {
  const req = request(h.app).post(`${API}/invoices`).set('Authorization', `Bearer ${token}`);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req
    .field('invoice', JSON.stringify(data))
    .attach('pdf', PDF, { filename: 'invoice.pdf', contentType: 'application/pdf' });
}

/**
 * Sends `body` byte for byte (supertest serialises a Buffer sent as JSON) to the app listening on
 * an ephemeral loopback port; resolves with the status and the body text.
 */
export async function sendBytes(
  app: Express,
  options: { method: string; path: string; headers: Record<string, string>; body: Buffer },
): Promise<{ status: number; text: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP port');
  const { port } = address;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, agent: false, method: options.method, path: options.path, headers: options.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A request as `user`: a GET of `path` without a body, a POST of `body` with one. */
export type Send = (user: string, path: string, body?: object) => request.Test;

/** Logs each of `users` in to `h`; answers how to send requests as them (an unknown user sends no token). */
export async function loggedIn(h: Harness, users: readonly string[]): Promise<Send> {
  const tokens: Record<string, string> = {};
  for (const user of users) tokens[user] = await h.login(user);
  return (user, path, body) => {
    const auth = { authorization: `Bearer ${tokens[user] ?? ''}` };
    const api = `${API}${path}`;
    return body === undefined ? request(h.app).get(api).set(auth) : request(h.app).post(api).set(auth).send(body);
  };
}

/** A payer (medins1) locks the issued invoice 31010125/0000000001 for a claim of `amount` fen. */
export async function lockIssuedInvoice(h: Harness, amount: number): Promise<void> {
  const medins = await h.login('medins1');
  await request(h.app)
    .post(`${API}/invoices/31010125/0000000001/locks`)
    .set('Authorization', `Bearer ${medins}`)
    .send({ claimId: 'MI-1', amount, ttlSeconds: 600 })
    .expect(200);
}

/** Makes the pending idempotency record of `key` look abandoned by a crashed process, as ten minutes later. */
export function abandoned(h: Harness, key: string): void {
  const row = h.offchain.idempotencyRecords.rows.find((r) => r['key'] === key);
  if (row === undefined) throw new Error(`no idempotency record for ${key}`);
  expect(row['state']).toBe('pending');
  row['lockedAt'] = new Date(Date.now() - 10 * 60_000);
}

/**
 * The next submit commits only on its third attempt (two find no endorsing peer), and its commit
 * status is lost; so are the next three evaluations after it, i.e. the gateway's look for that
 * transaction. Reads before the commit are unaffected.
 */
export function loseTheCommit(h: Harness): void {
  h.chaincode.faults.push(
    { stage: 'commitStatus', kind: 'unavailable-after-commit' },
    { stage: 'endorse', kind: 'unavailable' },
    { stage: 'endorse', kind: 'unavailable' },
  );
  const take = h.chaincode.takeFault.bind(h.chaincode);
  h.chaincode.takeFault = (stage) => {
    const fault = take(stage);
    if (fault?.stage === 'commitStatus') {
      for (let i = 0; i < 3; i++) h.chaincode.faults.push({ stage: 'evaluate', kind: 'unavailable' });
    }
    return fault;
  };
}
