/**
 * The projection against the real consortium and FerretDB: it follows the chaincode's events from
 * a persisted checkpoint into its own database, is stopped and restarted while invoices change, and
 * ends with every invoice exactly as the ledger has it; the statistics add up to the ledger.
 */
import mongoose from 'mongoose';
import { silentLogger } from '../../gateway-api/src/logger';
import { InvoiceProjection } from '../../gateway-api/src/projection/listener';
import { checkpointModel, invoiceViewModel } from '../../gateway-api/src/projection/model';
import { chinaDay } from '../../gateway-api/src/projection/project';
import { InvoiceStatisticsService } from '../../gateway-api/src/projection/statistics';
import {
  API_URL,
  connectionFile,
  eventually,
  gatewayFor,
  invoiceData,
  issueViaApi,
  login,
  mongodbUriFor,
  newInvoiceId,
  samplePdf,
} from './stack';

jest.setTimeout(240_000);

type Json = Record<string, unknown>;

async function api(token: string, method: string, path: string, body?: Json): Promise<Json> {
  const res = await fetch(`${API_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('invoice projection', () => {
  const database = `projection_it_${Date.now()}`;
  let connection: mongoose.Connection;
  let fabric: ReturnType<typeof gatewayFor>;
  let projection: InvoiceProjection;
  let clerk: string;
  let medins: string;
  const ids: { code: string; number: string }[] = [];

  function newProjection(): InvoiceProjection {
    const network = fabric.gateway.getNetwork(connectionFile().channel);
    return new InvoiceProjection({
      source: (checkpoint) =>
        network.getChaincodeEvents(connectionFile().chaincode, { checkpoint, startBlock: BigInt(0) }),
      views: invoiceViewModel(connection),
      checkpoints: checkpointModel(connection),
      name: 'it',
      logger: silentLogger,
      retryDelayMs: 200,
    });
  }

  async function issueOne(): Promise<{ code: string; number: string }> {
    const id = newInvoiceId();
    const res = await issueViaApi(clerk, invoiceData(id), samplePdf(`${id.code}-${id.number}`));
    if (res.status !== 201) throw new Error(`issue: ${res.status} ${await res.text()}`);
    ids.push(id);
    return id;
  }

  /** The invoice as the ledger has it, read with fabric-gateway (not through the API and its rate limit). */
  async function ledgerInvoice(id: { code: string; number: string }): Promise<Json> {
    const { channel, chaincode } = connectionFile();
    const contract = fabric.gateway.getNetwork(channel).getContract(chaincode, 'invoice');
    const bytes = await contract.evaluateTransaction('Read', id.code, id.number);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
  }

  async function caughtUp(id: { code: string; number: string }, revision: number): Promise<void> {
    const views = invoiceViewModel(connection);
    await eventually(
      () => views.findById(`${id.code}/${id.number}`).lean(),
      (doc) => doc !== null && doc.revision >= revision,
      60,
    );
  }

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongodbUriFor(database)).asPromise();
    await invoiceViewModel(connection).createIndexes();
    fabric = gatewayFor('HealthCommMSP');
    [clerk, medins] = await Promise.all([login('h1.clerk'), login('medins.officer')]);
  });

  afterAll(async () => {
    await projection?.stop();
    await connection?.dropDatabase();
    await connection?.close();
    fabric?.gateway.close();
    fabric?.client.close();
  });

  test('stopped and restarted while invoices change, it neither loses nor duplicates anything', async () => {
    const first = await issueOne();
    projection = newProjection();
    projection.start();
    await caughtUp(first, 1);
    await projection.stop();
    const checkpointed = await checkpointModel(connection).findById('it').lean();
    expect(checkpointed?.blockNumber).toMatch(/^\d+$/);

    // While it is down: a lock and a payment on the first invoice, and a second invoice.
    const base = `/invoices/${first.code}/${first.number}`;
    await api(medins, 'POST', `${base}/locks`, { claimId: 'PRJ-1', amount: 1_000, ttlSeconds: 600 });
    await api(medins, 'POST', `${base}/locks/PRJ-1/reimburse`, { amount: 1_000 });
    const second = await issueOne();

    projection = newProjection();
    projection.start();
    await caughtUp(first, 3);
    await caughtUp(second, 1);

    const views = invoiceViewModel(connection);
    for (const id of ids) {
      const onChain = await ledgerInvoice(id);
      const view = await views.findById(`${id.code}/${id.number}`).lean();
      expect(view).toMatchObject({
        status: onChain['status'],
        revision: onChain['revision'],
        reimbursedAmount: onChain['reimbursedAmount'],
        lastTxId: onChain['lastTxId'],
      });
    }
    expect(await views.countDocuments({ _id: { $in: ids.map((id) => `${id.code}/${id.number}`) } })).toBe(ids.length);
  });

  test("today's statistics equal the sums of what the ledger says", async () => {
    const today = chinaDay(new Date().toISOString());
    const views = invoiceViewModel(connection);
    const todays = await views.find({ issuedDay: today }).lean();
    let net = 0;
    let reimbursable = 0;
    let reimbursed = 0;
    for (const view of todays) {
      const onChain = await ledgerInvoice({ code: view.code, number: view.number });
      const sign = onChain['kind'] === 'RED' ? -1 : 1;
      net += sign * (onChain['totalAmount'] as number);
      reimbursable += sign * (onChain['reimbursableAmount'] as number);
      reimbursed += onChain['reimbursedAmount'] as number;
    }
    const stats = await new InvoiceStatisticsService(views).compute({ from: today, to: today });
    expect(stats.daily.map((row) => [row.day, row.issuedCount, row.netIssuedAmount])).toEqual([
      [today, todays.length, net],
    ]);
    expect(stats.byUnit.reduce((sum, bucket) => sum + bucket.reimbursedAmount, 0)).toBe(reimbursed);
    expect(stats.byUnit.reduce((sum, bucket) => sum + bucket.reimbursableAmount, 0)).toBe(reimbursable);
    expect(stats.byPayer.find((payer) => payer.payerMsp === 'MedInsMSP')?.amount).toBeGreaterThanOrEqual(1_000);
  });

  test("the API's invoice list follows the ledger: new invoices first, each status as on chain, a clerk's own only", async () => {
    const first = ids[0]!;
    const key = (id: { code: string; number: string }) => `${id.code}/${id.number}`;
    const latest = await issueOne();
    type Page = { items: { code: string; number: string; status: string; issuerMsp: string }[]; next: string | null };
    const page = (await eventually(
      () => api(clerk, 'GET', '/invoices?limit=200'),
      (p) => (p as unknown as Page).items.some((item) => key(item) === key(latest)),
      60,
    )) as unknown as Page;
    expect(page.items.every((item) => item.issuerMsp === 'Hospital1MSP')).toBe(true);
    const onChain = await ledgerInvoice(first);
    const listed = await eventually(
      async () => {
        let after: string | null = null;
        const found: Page['items'] = [];
        do {
          const query: string = after === null ? '' : `&after=${after}`;
          const next = (await api(medins, 'GET', `/invoices?issuer=Hospital1MSP&limit=200${query}`)) as unknown as Page;
          found.push(...next.items);
          after = next.next;
        } while (after !== null && !found.some((item) => key(item) === key(first)));
        return found;
      },
      (found) => found.some((item) => key(item) === key(first) && item.status === onChain['status']),
      60,
    );
    expect(listed.filter((item) => key(item) === key(first))).toHaveLength(1);
    const refused = await fetch(`${API_URL}/invoices?issuer=Hospital2MSP`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(refused.status).toBe(403);
  });
});
