/**
 * Database benchmark against the running platform (`npm start`): API issue throughput and
 * record lookups, measured before and after loading many records into the API's own
 * database, so that growth shows. Lookups use the same queries as the code: an invoice record
 * by its key code/number (_id), a data key by keyId, an idempotency record by (scope, key).
 *
 *   npm run bench:database -- [--records N] [--issues N] [--concurrency C] [--lookups N] [--out FILE]
 *
 * The loaded records are removed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { dataKeyModel, idempotencyRecordModel } from '@hdt/offchain-store';
import { invoiceRecordId, invoiceRecordModel } from '../gateway-api/src/modules/invoices/record-model';
import { invoiceData, issueViaApi, login, newInvoiceId, samplePdf } from '../tests/integration/stack';
import { measure, option, report, type Row, run } from './measure';

const RECORDS = option('records', 100_000);
const ISSUES = option('issues', 60);
const CONCURRENCY = option('concurrency', 8);
const LOOKUPS = option('lookups', 2000);
const BATCH = 1000;
const TAG = `bench-load-${Date.now()}`;

interface Sample {
  code: string;
  number: string;
  keyId: string;
  scope: string;
  key: string;
}

async function main(): Promise<void> {
  const uri = process.env['MONGODB_URI'];
  if (!uri) throw new Error('MONGODB_URI must name the API database (scripts/bench.sh sets it)');
  const connection = await mongoose.createConnection(uri).asPromise();
  const documents = {
    idempotencyRecords: idempotencyRecordModel(connection),
    invoices: invoiceRecordModel(connection),
  };
  const dataKeys = dataKeyModel(connection);
  const clerk = await login('h1.clerk');
  const pdf = Buffer.concat([samplePdf('benchmark'), randomBytes(100 * 1024)]);
  const samples: Sample[] = [];
  const rows: Row[] = [];

  const apiIssue = async () => {
    const id = newInvoiceId();
    const res = await issueViaApi(clerk, invoiceData(id), pdf, `bench-${randomUUID()}`);
    if (res.status !== 201) throw new Error(`HTTP ${res.status} ${await res.text()}`);
    const record = await documents.invoices
      .findOne({ _id: invoiceRecordId(id.code, id.number) })
      .lean()
      .exec();
    if (record === null) throw new Error(`no record for ${id.code}/${id.number}`);
    samples.push({ ...id, keyId: record.pdf.keyId, scope: '', key: '' });
  };
  const pick = (i: number): Sample => samples[(i * 7919) % samples.length]!;
  const lookups = async (label: string): Promise<void> => {
    rows.push(
      await measure(`invoice record by code/number (_id), ${label}`, LOOKUPS, 1, async (i) => {
        const s = pick(i);
        const found = await documents.invoices
          .findOne({ _id: invoiceRecordId(s.code, s.number) })
          .lean()
          .exec();
        if (found === null) throw new Error(`missing ${s.code}/${s.number}`);
      }),
    );
    rows.push(
      await measure(`data key by keyId, ${label}`, LOOKUPS, 1, async (i) => {
        if (
          (await dataKeys
            .findOne({ keyId: pick(i).keyId })
            .lean()
            .exec()) === null
        )
          throw new Error('missing key');
      }),
    );
    const withIdempotency = samples.filter((s) => s.scope !== '');
    if (withIdempotency.length === 0) return;
    rows.push(
      await measure(`idempotency record by (scope, key), ${label}`, LOOKUPS, 1, async (i) => {
        const s = withIdempotency[(i * 7919) % withIdempotency.length]!;
        const found = await documents.idempotencyRecords.findOne({ scope: s.scope, key: s.key }).lean().exec();
        if (found === null) throw new Error('missing idempotency record');
      }),
    );
  };

  rows.push(await measure('API: POST /invoices with 100 KB PDF, before the load', ISSUES, CONCURRENCY, apiIssue));
  await lookups(`${await documents.invoices.estimatedDocumentCount()} records`);

  const started = performance.now();
  await load(documents, dataKeys, samples);
  const loadSeconds = (performance.now() - started) / 1000;
  console.error(`loaded ${RECORDS} records into each collection in ${loadSeconds.toFixed(0)} s`);

  await lookups(`${await documents.invoices.estimatedDocumentCount()} records`);
  rows.push(await measure('API: POST /invoices with 100 KB PDF, after the load', ISSUES, CONCURRENCY, apiIssue));

  await documents.invoices.deleteMany({ createdBy: TAG }).exec();
  await dataKeys.deleteMany({ kekId: TAG }).exec();
  await documents.idempotencyRecords.deleteMany({ requestHash: TAG }).exec();
  await connection.close();

  const before = rows[0]!.perSecond;
  const after = rows[rows.length - 1]!.perSecond;
  const command = `npm run bench:database -- --records ${RECORDS} --issues ${ISSUES} --concurrency ${CONCURRENCY} --lookups ${LOOKUPS}`;
  const loaded =
    `Loaded ${RECORDS} invoice records, ${RECORDS} data keys and ${RECORDS} idempotency records in ${loadSeconds.toFixed(0)} s ` +
    `(${(RECORDS / loadSeconds).toFixed(0)} records of each kind per second, batches of ${BATCH}). ` +
    `Issue throughput after the load / before: ${(after / before).toFixed(2)}.`;
  report(command, rows, `\n${loaded}\n`);
}

/** Inserts RECORDS documents into each collection; keeps every 100th as a lookup sample. */
async function load(
  documents: {
    idempotencyRecords: ReturnType<typeof idempotencyRecordModel>;
    invoices: ReturnType<typeof invoiceRecordModel>;
  },
  dataKeys: ReturnType<typeof dataKeyModel>,
  samples: Sample[],
): Promise<void> {
  const now = new Date();
  for (let start = 0; start < RECORDS; start += BATCH) {
    const invoices = [];
    const keys = [];
    const idempotency = [];
    for (let i = start; i < Math.min(RECORDS, start + BATCH); i += 1) {
      const code = `3109${String(Math.floor(i / 100_000) % 10_000).padStart(4, '0')}`;
      const number = `${String(Date.now() % 100_000).padStart(5, '0')}${String(i % 100_000).padStart(5, '0')}`;
      const keyId = randomUUID();
      const ref = {
        cid: `bafkrei${randomBytes(26).toString('hex')}`,
        sm3: randomBytes(32).toString('hex'),
        keyId,
        size: 102_400,
      };
      invoices.push({
        _id: invoiceRecordId(code, number),
        code,
        number,
        issuerMsp: 'Hospital1MSP',
        issuingUnit: 'Benchmark unit',
        type: 'OUTPATIENT',
        totalAmount: 12830,
        status: 'ISSUED',
        pdf: ref,
        data: { ...ref, keyId: randomUUID() },
        txId: randomBytes(32).toString('hex'),
        createdBy: TAG,
        createdAt: now,
      });
      keys.push({ keyId, docId: `${TAG}-${i}`, kekId: TAG, wrapped: randomBytes(80), createdAt: now });
      const scope = `user-${i % 500}`;
      const key = `${TAG}-${i}`;
      idempotency.push({
        scope,
        key,
        requestHash: TAG,
        state: 'done',
        statusCode: 201,
        sealedBody: randomBytes(68),
        bodyKeyId: randomUUID(),
        createdAt: now,
        lockedAt: now,
      });
      if (i % 100 === 0) samples.push({ code, number, keyId, scope, key });
    }
    await documents.invoices.db
      .collection<{ _id: string }>(documents.invoices.collection.collectionName)
      .insertMany(invoices, { ordered: false });
    await dataKeys.collection.insertMany(keys, { ordered: false });
    await documents.idempotencyRecords.collection.insertMany(idempotency, { ordered: false });
  }
}

run(main);
