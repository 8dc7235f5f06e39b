/**
 * The invoice lifecycle end to end against the running consortium: several payers, races for the
 * same money, and the key-level endorsement that keeps other organisations from changing an invoice.
 */
import { type Gateway } from '@hyperledger/fabric-gateway';
import { API_URL, connectionFile, gatewayFor, invoiceData, issueViaApi, login, newInvoiceId, samplePdf } from './stack';

jest.setTimeout(180_000);

type Json = Record<string, unknown>;
interface Outcome {
  status: number;
  body: Json;
}

async function post(token: string, path: string, body: Json): Promise<Outcome> {
  const res = await fetch(`${API_URL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function get(token: string, path: string): Promise<Outcome> {
  const res = await fetch(`${API_URL}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

async function issue(clerk: string): Promise<{ code: string; number: string; base: string }> {
  const id = newInvoiceId();
  const res = await issueViaApi(clerk, invoiceData(id), samplePdf(`${id.code}-${id.number}`));
  expect({ status: res.status, body: await res.text() }).toMatchObject({ status: 201 });
  return { ...id, base: `/invoices/${id.code}/${id.number}` };
}

const statusOf = (outcome: Outcome): unknown => (outcome.body['invoice'] as Json | undefined)?.['status'];

describe('invoice lifecycle across payers', () => {
  let clerk: string;
  let medins: string;
  let insurer: string;

  beforeAll(async () => {
    [clerk, medins, insurer] = await Promise.all([
      login('h1.clerk'),
      login('medins.officer'),
      login('insurer.officer'),
    ]);
  });

  test('issue, the bureau pays part, an insurer the rest, write-off; the history tells it in order', async () => {
    const { base } = await issue(clerk); // reimbursable 4,830 fen
    const locked = await post(medins, `${base}/locks`, { claimId: 'MI-0001', amount: 3_000, ttlSeconds: 3_600 });
    expect({ status: locked.status, state: statusOf(locked) }).toEqual({ status: 200, state: 'LOCKED' });
    const paid = await post(medins, `${base}/locks/MI-0001/reimburse`, { amount: 3_000 });
    expect(statusOf(paid)).toBe('PARTIALLY_REIMBURSED');

    const tooMuch = await post(insurer, `${base}/locks`, { claimId: 'INS-01', amount: 1_831, ttlSeconds: 3_600 });
    expect({ status: tooMuch.status, code: tooMuch.body['code'] }).toEqual({ status: 409, code: 'AMOUNT_UNAVAILABLE' });
    await post(insurer, `${base}/locks`, { claimId: 'INS-01', amount: 1_830, ttlSeconds: 3_600 });
    const rest = await post(insurer, `${base}/locks/INS-01/reimburse`, { amount: 1_830 });
    expect(rest.body['invoice']).toMatchObject({ status: 'REIMBURSED', reimbursedAmount: 4_830 });

    const again = await post(insurer, `${base}/locks/INS-01/reimburse`, { amount: 1_830 });
    expect({ status: again.status, code: again.body['code'] }).toEqual({ status: 409, code: 'LOCK_NOT_ACTIVE' });

    const closed = await post(insurer, `${base}/write-off`, { reason: 'claims settled' });
    expect(statusOf(closed)).toBe('WRITTEN_OFF');
    const after = await post(medins, `${base}/locks`, { claimId: 'MI-0002', amount: 1, ttlSeconds: 3_600 });
    expect({ status: after.status, code: after.body['code'] }).toEqual({ status: 409, code: 'INVOICE_STATE_CONFLICT' });

    const history = await get(insurer, `${base}/history`);
    const operations = (history.body as unknown as { value: { lastOperation: Json } }[]).map((entry) => {
      const op = entry.value.lastOperation;
      return `${String(op['operation'])}:${String(op['mspId'])}:${String(op['actor'])}`;
    });
    expect(operations).toEqual([
      'ISSUE:Hospital1MSP:h1.clerk',
      'LOCK:MedInsMSP:medins.officer',
      'REIMBURSE:MedInsMSP:medins.officer',
      'LOCK:InsurerMSP:insurer.officer',
      'REIMBURSE:InsurerMSP:insurer.officer',
      'WRITE_OFF:InsurerMSP:insurer.officer',
    ]);
  });

  test('two payers racing for the whole amount: exactly one wins, the other gets 409', async () => {
    const { base } = await issue(clerk);
    const outcomes = await Promise.all([
      post(medins, `${base}/locks`, { claimId: 'MI-RACE', amount: 4_830, ttlSeconds: 600 }),
      post(insurer, `${base}/locks`, { claimId: 'INS-RACE', amount: 4_830, ttlSeconds: 600 }),
    ]);
    const statuses = outcomes.map((outcome) => outcome.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = outcomes.find((outcome) => outcome.status === 409);
    expect(loser?.body['code']).toBe('AMOUNT_UNAVAILABLE');
  });

  test('the same payer reimbursing one lock twice at once is paid once', async () => {
    const { base } = await issue(clerk);
    await post(medins, `${base}/locks`, { claimId: 'MI-TWICE', amount: 2_000, ttlSeconds: 600 });
    const outcomes = await Promise.all(
      [1, 2].map(() => post(medins, `${base}/locks/MI-TWICE/reimburse`, { amount: 2_000 })),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 409]);
    const invoice = await get(insurer, base);
    expect(invoice.body).toMatchObject({ reimbursedAmount: 2_000 });
  });

  test('unlock and void: the holder releases, then the issuer voids; other roles are refused', async () => {
    const { base } = await issue(clerk);
    await post(insurer, `${base}/locks`, { claimId: 'INS-REF', amount: 100, ttlSeconds: 600 });
    expect((await post(medins, `${base}/locks/INS-REF/unlock`, { reason: 'not ours' })).status).toBe(403);
    expect((await post(clerk, `${base}/void`, { reason: 'issued in error' })).status).toBe(409);
    expect((await post(insurer, `${base}/locks/INS-REF/unlock`, { reason: 'claim refused' })).status).toBe(200);
    expect((await post(insurer, `${base}/void`, { reason: 'x' })).status).toBe(403);
    const voided = await post(clerk, `${base}/void`, { reason: 'issued in error' });
    expect(statusOf(voided)).toBe('VOIDED');
  });

  test('bad input names the field and changes nothing', async () => {
    const { base } = await issue(clerk);
    const bad = await post(medins, `${base}/locks`, { claimId: 'MI 1', amount: 1.5, ttlSeconds: 10 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/claimId/);
    expect((await get(medins, base)).body).toMatchObject({ status: 'ISSUED', revision: 1 });
  });
});

describe('key-level endorsement', () => {
  function contractOf(gateway: Gateway) {
    const conn = connectionFile();
    return gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'invoice');
  }

  test("a majority of other organisations' peers cannot change a hospital's invoice", async () => {
    const clerk = await login('h1.clerk');
    const { code, number } = await issue(clerk);
    const { gateway, client } = gatewayFor('Hospital1MSP');
    try {
      const input = JSON.stringify({ code, number, actor: 'h1.clerk', reason: 'endorsed by others only' });
      // The chaincode-level policy (a majority) is met, but the key's policy wants Hospital1 and the health commission.
      const proposal = contractOf(gateway).newProposal('Void', {
        arguments: [input],
        endorsingOrganizations: ['Hospital2MSP', 'MedInsMSP', 'InsurerMSP'],
      });
      const submitted = await (await proposal.endorse()).submit();
      const status = await submitted.getStatus();
      expect({ successful: status.successful, code: status.code }).toEqual({ successful: false, code: 10 });
    } finally {
      gateway.close();
      client.close();
    }
    const invoice = await get(clerk, `/invoices/${code}/${number}`);
    expect(invoice.body).toMatchObject({ status: 'ISSUED', revision: 1 });
  });
});
