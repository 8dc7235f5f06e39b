/**
 * Invoice issue and verification end to end, against the running consortium, FerretDB and Kubo
 * started by `npm start` (or by scripts/test-integration.sh).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  API_URL,
  connectionFile,
  IPFS_API_URL,
  invoiceData,
  login,
  newInvoiceId,
  ROOT_DIR,
  run,
  samplePdf,
  eventually,
  gatewayFor,
  issueViaApi,
  verifyViaApi,
} from './stack';

jest.setTimeout(120_000);

interface IssueResult {
  code: string;
  number: string;
  checkCode: string;
  issuingUnit: string;
  txId: string;
  status: string;
}

async function verify(
  token: string,
  fields: Record<string, string>,
  pdf?: Buffer,
): Promise<{ result: string; status?: string }> {
  const res = await verifyViaApi(token, fields, pdf);
  expect(res.status).toBe(200);
  return (await res.json()) as { result: string; status?: string };
}

/** Fabric's own CLI, as the admin of another org, against that org's peer. */
/** The invoice as another org's peer returns it, once that peer has committed its block. */
async function readOnPeer(org: string, id: { code: string; number: string }): Promise<Record<string, unknown>> {
  const text = await eventually(
    () => peerQuery(org, ['invoice:Read', id.code, id.number]),
    () => true,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

async function peerQuery(org: string, args: string[]): Promise<string> {
  const script = `. test-network/env.sh; as_org_admin ${org}; peer chaincode query -C "$CHANNEL" -n "$CHAINCODE_NAME" -c '${JSON.stringify({ Args: args })}'`;
  const { stdout } = await run('bash', ['-c', script], { cwd: ROOT_DIR });
  return stdout;
}

/** The fields a caller supplies to invoice:Issue, taken from an invoice read back from the ledger. */
function issueInput(onChain: Record<string, unknown>): Record<string, unknown> {
  const fields = [
    'code',
    'number',
    'checkCodeSalt',
    'checkCodeIterations',
    'checkCodeHash',
    'type',
    'totalAmount',
    'payment',
    'reimbursableAmount',
    'payerPseudonym',
    'dataDigest',
    'pdfDigest',
    'dataCid',
    'pdfCid',
  ];
  return { ...Object.fromEntries(fields.map((f) => [f, onChain[f]])), actor: 'direct.client' };
}

/** Submits invoice:Issue directly through fabric-gateway, bypassing the REST API. */
async function submitIssueDirectly(mspId: string, input: Record<string, unknown>): Promise<string> {
  const { gateway, client } = gatewayFor(mspId);
  try {
    const conn = connectionFile();
    const contract = gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'invoice');
    await contract.submitTransaction('Issue', JSON.stringify(input));
    return 'accepted';
  } catch (err) {
    const details = (err as { details?: Array<{ message: string }> }).details ?? [];
    return [String((err as Error).message), ...details.map((d) => d.message)].join(' | ');
  } finally {
    gateway.close();
    client.close();
  }
}

describe('medical e-invoice: issue and verify', () => {
  const id = newInvoiceId();
  const data = invoiceData(id);
  const pdf = samplePdf(`${id.code}-${id.number}`);
  let clerk: string;
  let insurer: string;
  let issued: IssueResult;

  beforeAll(async () => {
    clerk = await login('h1.clerk');
    insurer = await login('insurer.officer');
  });

  test('health reports Fabric, the database and IPFS up', async () => {
    const res = await fetch(`${API_URL}/health`);
    const body = (await res.json()) as { dependencies: Record<string, { state: string }> };
    expect(res.status).toBe(200);
    expect(body.dependencies.fabric?.state).toBe('up');
    expect(body.dependencies.database?.state).toBe('up');
    expect(body.dependencies.ipfs?.state).toBe('up');
  });

  test('a billing clerk issues an invoice with its PDF', async () => {
    const res = await issueViaApi(clerk, data, pdf, `it-${id.code}-${id.number}`);
    const text = await res.text();
    expect({ status: res.status, text }).toMatchObject({ status: 201 });
    issued = JSON.parse(text) as IssueResult;
    expect(issued).toMatchObject({
      code: id.code,
      number: id.number,
      status: 'ISSUED',
      issuingUnit: 'Qingpu District Central Hospital',
    });
    expect(issued.checkCode).toMatch(/^[0-9A-Z]{6}$/);
    expect(issued.txId).toMatch(/^[0-9a-f]{64}$/);
  });

  test('retrying with the same Idempotency-Key returns the first result and issues nothing new', async () => {
    const res = await issueViaApi(clerk, data, pdf, `it-${id.code}-${id.number}`);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual(issued);
    const history = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/history`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(history.status).toBe(200);
    const entries = (await history.json()) as unknown[];
    expect(entries).toHaveLength(1);
  });

  test('an insurer verifies: original PDF authentic, one changed byte tampered, unknown invoice unknown', async () => {
    const fields = { code: id.code, number: id.number, checkCode: issued.checkCode };
    const first = await eventually(
      () => verify(insurer, fields, pdf),
      (v) => v.result !== 'unknown',
    );
    expect(first).toMatchObject({ result: 'authentic', status: 'ISSUED' });

    const changed = Buffer.from(pdf);
    const at = changed.indexOf('Medical');
    changed[at] = changed[at]! ^ 0x01;
    expect(await verify(insurer, fields, changed)).toMatchObject({ result: 'tampered', status: 'ISSUED' });

    const other = newInvoiceId();
    expect(await verify(insurer, { ...other, checkCode: 'ABC123' }, pdf)).toMatchObject({ result: 'unknown' });
    const wrongCheck = issued.checkCode === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    expect(await verify(insurer, { ...fields, checkCode: wrongCheck }, pdf)).toMatchObject({ result: 'unknown' });
  });

  test('the payer downloads the original PDF with code, number and check code', async () => {
    const ok = await fetch(`${API_URL}/invoices/${id.code}/${id.number}/pdf?checkCode=${issued.checkCode}`, {
      headers: { authorization: `Bearer ${insurer}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/application\/pdf/);
    expect(Buffer.from(await ok.arrayBuffer()).equals(pdf)).toBe(true);
  });

  test('the issuing hospital recovers the check code for a reprint; another hospital cannot', async () => {
    const path = `${API_URL}/invoices/${id.code}/${id.number}/check-code`;
    const mine = await fetch(path, { headers: { authorization: `Bearer ${clerk}` } });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({ code: id.code, number: id.number, checkCode: issued.checkCode });
    const other = await fetch(path, { headers: { authorization: `Bearer ${await login('h2.clerk')}` } });
    expect(other.status).toBe(403);
  });

  test('the same code and number again is refused, through the API and directly through fabric-gateway', async () => {
    const res = await issueViaApi(clerk, data, pdf, `it-dup-${id.code}-${id.number}`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'INVOICE_EXISTS' });

    const onChain = await readOnPeer('hospital2', id);
    const direct = await submitIssueDirectly('Hospital1MSP', issueInput(onChain));
    expect(direct).toMatch(/INVOICE_EXISTS/);
  });

  test("another hospital cannot issue under this hospital's code, nor name its own unit", async () => {
    const onChain = await readOnPeer('hospital2', id);
    const other = { ...issueInput(onChain), number: newInvoiceId().number };
    expect(await submitIssueDirectly('Hospital2MSP', other)).toMatch(/CODE_NOT_ALLOCATED/);
    expect(await submitIssueDirectly('Hospital1MSP', { ...other, issuingUnit: 'Another unit' })).toMatch(
      /INVALID_ARGUMENT: issuingUnit is not an accepted field/,
    );
    expect(onChain['issuingUnit']).toBe('Qingpu District Central Hospital');
  });

  test('an insurer cannot issue: refused by the API and by the chaincode', async () => {
    const other = newInvoiceId();
    const res = await issueViaApi(insurer, invoiceData(other), pdf);
    expect(res.status).toBe(403);

    const onChain = await readOnPeer('hospital1', id);
    const direct = await submitIssueDirectly('InsurerMSP', { ...issueInput(onChain), ...other });
    expect(direct).toMatch(/FORBIDDEN/);
    await expect(peerQuery('medins', ['invoice:Read', other.code, other.number])).rejects.toThrow(/INVOICE_NOT_FOUND/);
  });

  test("the API shows the invoice without the check code's salt and hash; the ledger holds them", async () => {
    const res = await fetch(`${API_URL}/invoices/${id.code}/${id.number}`, {
      headers: { authorization: `Bearer ${insurer}` },
    });
    expect(res.status).toBe(200);
    const shown = (await res.json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ code: id.code, issuingUnit: 'Qingpu District Central Hospital' });
    for (const hidden of ['checkCodeHash', 'checkCodeSalt', 'checkCodeIterations'])
      expect(shown).not.toHaveProperty(hidden);
    const onChain = await readOnPeer('medins', id);
    expect(onChain['checkCodeSalt']).toMatch(/^[0-9a-f]{32}$/);
    expect(onChain['checkCodeIterations']).toBeGreaterThanOrEqual(10_000);
  });

  test("the invoice is on the ledger: Fabric's own peer CLI reads it from another org's peer", async () => {
    const onChain = await readOnPeer('medins', id);
    expect(onChain).toMatchObject({
      code: id.code,
      number: id.number,
      issuerMsp: 'Hospital1MSP',
      status: 'ISSUED',
      totalAmount: 12830,
    });
    expect(JSON.stringify(onChain)).not.toContain('310101199001011234');
    expect(JSON.stringify(onChain)).not.toContain('张三');
  });

  test('IPFS holds ciphertext only, and the SM3 digest on chain equals openssl dgst -sm3 of the PDF', async () => {
    const onChain = (await readOnPeer('insurer', id)) as unknown as {
      pdfCid: string;
      pdfDigest: string;
    };
    const res = await fetch(`${IPFS_API_URL}/api/v0/cat?arg=${encodeURIComponent(onChain.pdfCid)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const stored = Buffer.from(await res.arrayBuffer());
    expect(stored.length).toBeGreaterThan(pdf.length);
    expect(stored.includes(Buffer.from('%PDF'))).toBe(false);
    expect(stored.includes(Buffer.from('Medical e-invoice'))).toBe(false);

    const dir = mkdtempSync(path.join(tmpdir(), 'hdt-it-'));
    const file = path.join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('openssl', ['dgst', '-sm3', '-r', file]);
    expect(onChain.pdfDigest).toBe(stdout.split(' ')[0]);
  });
});
