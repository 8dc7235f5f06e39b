/**
 * The gateway's off-chain invoice records against the real database: a record is saved once
 * per (code, number); the unique index refuses a second one.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import {
  invoiceRecordId,
  invoiceRecordModel,
  type InvoiceRecord,
} from '../../gateway-api/src/modules/invoices/record-model';
import { mongodbUriFor } from './stack';

const DATABASE = `hdt_records_${Date.now()}_${randomBytes(3).toString('hex')}`;
const RUN = `it-${Date.now()}-${randomBytes(4).toString('hex')}`;

let connection: Connection;

function randomDigits(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += String(randomInt(10));
  return text;
}

function ref(size: number): { cid: string; sm3: string; keyId: string; size: number } {
  return {
    cid: `bafkrei${randomBytes(26).toString('hex')}`,
    sm3: randomBytes(32).toString('hex'),
    keyId: randomUUID(),
    size,
  };
}

beforeAll(async () => {
  connection = await mongoose
    .createConnection(mongodbUriFor(DATABASE), { autoIndex: false, autoCreate: false, bufferCommands: false })
    .asPromise();
  await invoiceRecordModel(connection).createIndexes();
});

afterAll(async () => {
  if (connection === undefined) return;
  await connection.db?.dropDatabase();
  await connection.close();
});

describe('invoice records', () => {
  it('saves a record and refuses a second one with the same code and number', async () => {
    const invoices = invoiceRecordModel(connection);
    const pdf = ref(2048);
    const data = ref(64);
    const record: Omit<InvoiceRecord, '_id'> = {
      code: randomDigits(8),
      number: randomDigits(10),
      issuerMsp: 'Hospital1MSP',
      issuingUnit: 'Qingpu District Central Hospital',
      type: 'OUTPATIENT',
      totalAmount: 12800,
      status: 'ISSUED',
      pdf,
      data: { cid: data.cid, sm3: data.sm3, keyId: data.keyId },
      txId: randomBytes(32).toString('hex'),
      createdBy: RUN,
      createdAt: new Date(),
    };
    await invoices.create(record);
    const found = await invoices
      .findOne({ _id: invoiceRecordId(record.code, record.number) })
      .lean()
      .exec();
    expect(found?.pdf).toEqual(pdf);
    let duplicate: unknown;
    try {
      await invoices.create({ ...record, txId: randomBytes(32).toString('hex') });
    } catch (error) {
      duplicate = error;
    }
    expect(duplicate).toMatchObject({ code: 11000 });
  });
});
