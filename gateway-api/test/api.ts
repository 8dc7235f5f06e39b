/** Helpers of the route tests: the API prefix, response shapes and a multipart issue request. */
import { createHash } from 'node:crypto';
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
