import * as grpc from '@grpc/grpc-js';
import { connect, type Gateway, hash } from '@hyperledger/fabric-gateway';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { canonicalJson } from '@hdt/vocabulary';
import { nativeP256Signer } from '../../gateway-api/src/fabric/native-signer';

/** The project root: the nearest directory above this file holding network/nodes.tsv. */
function findRoot(dir: string): string {
  if (existsSync(path.join(dir, 'network', 'nodes.tsv'))) return dir;
  const parent = path.dirname(dir);
  if (parent === dir) throw new Error('project root (with network/nodes.tsv) not found');
  return findRoot(parent);
}

export const ROOT_DIR = findRoot(__dirname);
export const STATE_DIR = process.env.STATE_DIR ?? path.join(ROOT_DIR, '.state');
export const API_URL = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}/api/v1`;
export const IPFS_API_URL = process.env.IPFS_API_URL ?? 'http://127.0.0.1:5001';
export const CONNECTION_FILE = process.env.FABRIC_CONNECTION_FILE ?? path.join(STATE_DIR, 'connection.json');

export const run = promisify(execFile);

/** The test database's URI (MONGODB_URI, set by scripts/test-integration.sh) with another database name. */
export function mongodbUriFor(database: string): string {
  const base = process.env.MONGODB_URI;
  if (!base) throw new Error('MONGODB_URI must be set');
  const uri = new URL(base);
  uri.pathname = `/${database}`;
  return uri.toString();
}

export interface OrgConnection {
  peerEndpoint: string;
  hostOverride: string;
  tlsCaPath: string;
  certPath: string;
  keyPath: string;
}

export function connectionFile(): { channel: string; chaincode: string; orgs: Record<string, OrgConnection> } {
  const parsed: unknown = JSON.parse(readFileSync(CONNECTION_FILE, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('orgs' in parsed) ||
    !('channel' in parsed) ||
    !('chaincode' in parsed)
  ) {
    throw new Error(`${CONNECTION_FILE} is not a connection file`);
  }
  return parsed as { channel: string; chaincode: string; orgs: Record<string, OrgConnection> };
}

export const DEMO_PASSWORDS: Record<string, string> = Object.fromEntries(
  (
    JSON.parse(readFileSync(path.join(ROOT_DIR, 'network', 'demo-users.json'), 'utf8')) as Array<{
      username: string;
      password: string;
    }>
  ).map((u) => [u.username, u.password]),
);

export type Json = Record<string, unknown>;

export interface Outcome {
  status: number;
  body: Json;
}

/** A JSON request to the API as the user of `token`: the status and the parsed answer. */
export async function call(
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  apiUrl = API_URL,
): Promise<Outcome> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/**
 * A lab report's index entry as Hospital 1 registers it, recorded an hour ago: its digest is the SM3
 * of the content `fields` (no attachment), so storing those fields as its content is accepted.
 */
export function labReportEntry(recordId: string, patientId: string, fields: Json): Json {
  return {
    recordId,
    patientId,
    encounterId: `ENC-${recordId}`,
    type: 'LAB_REPORT',
    recordedAt: new Date(Date.now() - 3_600_000).toISOString(),
    digest: createHash('sm3')
      .update(canonicalJson({ recordId, fields, attachment: null }))
      .digest('hex'),
    classification: 3,
    pointer: `his://hospital1/${recordId}`,
  };
}

export async function login(username: string): Promise<string> {
  const send = () =>
    fetch(`${API_URL}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORDS[username] }),
    });
  // A pooled connection the server closed as idle just as it was reused fails without an answer:
  // logging in again is harmless.
  const res = await send().catch(send);
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** A fresh invoice identity: 8-digit code, 10-digit number. */
export function newInvoiceId(): { code: string; number: string } {
  const code = `3101${String(randomInt(0, 10_000)).padStart(4, '0')}`;
  const number = `${String(randomInt(0, 100_000)).padStart(5, '0')}${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  return { code, number };
}

/** A small but well-formed PDF document whose text names the invoice. */
export function samplePdf(label: string): Buffer {
  const text = `Medical e-invoice ${label}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length + 36} >>\nstream\nBT /F1 18 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function invoiceData(id: { code: string; number: string }): Record<string, unknown> {
  return {
    code: id.code,
    number: id.number,
    type: 'OUTPATIENT',
    payer: { name: '张三', idNumber: '310101199001011234' },
    visit: { department: 'Internal medicine', visitDate: '2026-11-20' },
    items: [
      { name: 'Consultation', quantity: 1, unitPrice: 5000, amount: 5000 },
      { name: 'Blood test', quantity: 1, unitPrice: 7830, amount: 7830 },
    ],
    totalAmount: 12830,
    payment: { medicalInsuranceFund: 8000, personalAccount: 2000, otherFund: 0, selfPay: 2830 },
    reimbursableAmount: 4830,
  };
}

/** POST /invoices with the structured data and its PDF, as a billing clerk's client sends it. */
export async function issueViaApi(
  token: string,
  data: Record<string, unknown>,
  pdf: Buffer,
  idempotencyKey?: string,
  apiUrl = API_URL,
): Promise<Response> {
  const form = new FormData();
  form.set('invoice', JSON.stringify(data));
  form.set('pdf', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'invoice.pdf');
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return fetch(`${apiUrl}/invoices`, { method: 'POST', headers, body: form });
}

/** POST /invoices/verify with code, number, check code and optionally the PDF. */
export async function verifyViaApi(token: string, fields: Record<string, string>, pdf?: Buffer): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (pdf) form.set('pdf', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'invoice.pdf');
  return fetch(`${API_URL}/invoices/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

/** A fabric-gateway connection with the identity (and the signer) the REST API uses for `mspId`. Close both when done. */
export function gatewayFor(mspId: string): { gateway: Gateway; client: grpc.Client } {
  const conn = connectionFile();
  const org = conn.orgs[mspId];
  if (!org) throw new Error(`no ${mspId} in the connection file`);
  const client = new grpc.Client(org.peerEndpoint, grpc.credentials.createSsl(readFileSync(org.tlsCaPath)), {
    'grpc.ssl_target_name_override': org.hostOverride,
  });
  const gateway = connect({
    client,
    identity: { mspId, credentials: readFileSync(org.certPath) },
    signer: nativeP256Signer(createPrivateKey(readFileSync(org.keyPath))),
    hash: hash.none,
  });
  return { gateway, client };
}

/**
 * Retries `attempt` until `done` accepts its result or `seconds` pass. Peers of other orgs commit
 * a block a moment after the submitting org's peer: reads there are eventually consistent.
 */
export async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, seconds = 15): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    let value: T | undefined;
    let failure: Error | undefined;
    try {
      value = await attempt();
      if (done(value)) return value;
    } catch (err) {
      failure = err instanceof Error ? err : new Error(`non-error thrown: ${JSON.stringify(err)}`);
    }
    if (Date.now() > deadline) {
      if (failure !== undefined) throw failure;
      return value as T;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
