import mongoose from 'mongoose';
import { invoiceRecordId, invoiceRecordModel, type InvoiceRecord } from './record-model';

// Schema rules only; reads and writes against a real server are in tests/integration.
const connection = mongoose.createConnection();
afterAll(async () => {
  await connection.close();
});

function validInvoice(): Omit<InvoiceRecord, '_id'> {
  return {
    code: '31011526',
    number: '0000000001',
    issuerMsp: 'Hospital1MSP',
    issuingUnit: 'Qingpu District Central Hospital',
    type: 'OUTPATIENT',
    totalAmount: 12800,
    status: 'ISSUED',
    pdf: {
      cid: 'bafkreidbkccrzgbh7st4a2ggdzp3lweal5gdvfolczipihlxj7huxpdtgu',
      sm3: '44f0061e69fa6fdfc290c494654a05dc0c053da7e5c52b84ef93a9d67d3fff88',
      keyId: 'e7e5b762-ddc0-4beb-93c8-376035cf4220',
      size: 2048,
    },
    data: {
      cid: 'bafkreidbkccrzgbh7st4a2ggdzp3lweal5gdvfolczipihlxj7huxpdtgv',
      sm3: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
      keyId: 'e7e5b762-ddc0-4beb-93c8-376035cf4221',
    },
    txId: 'a'.repeat(64),
    createdBy: 'clerk1',
    createdAt: new Date(),
  };
}

function invalidPaths(doc: Record<string, unknown>): string[] {
  const model = invoiceRecordModel(connection);
  try {
    const error = new model(doc).validateSync();
    return error === undefined || error === null ? [] : Object.keys(error.errors).sort();
  } catch (error) {
    // strict: 'throw' rejects unknown fields at construction.
    return [error instanceof Error ? error.name : 'unknown'];
  }
}

describe('InvoiceRecord model', () => {
  it('accepts a valid record, keyed by code/number', async () => {
    expect(invalidPaths({ ...validInvoice() })).toEqual([]);
    const doc = new (invoiceRecordModel(connection))(validInvoice());
    await doc.validate();
    expect(doc._id).toBe(invoiceRecordId(validInvoice().code, validInvoice().number));
    expect(doc._id).toBe(`${validInvoice().code}/${validInvoice().number}`);
    expect(invoiceRecordModel(connection).collection.collectionName).toBe('invoice_records');
  });

  it('rejects malformed fields, naming them', () => {
    const bad = {
      ...validInvoice(),
      code: '1234',
      number: 'x',
      type: 'DENTAL',
      totalAmount: 10.5,
      status: 'issued',
      pdf: { ...validInvoice().pdf, sm3: 'XYZ', keyId: 'k' },
    };
    expect(invalidPaths(bad)).toEqual(['code', 'number', 'pdf.keyId', 'pdf.sm3', 'status', 'totalAmount', 'type']);
    expect(invalidPaths({ ...validInvoice(), totalAmount: 0 })).toEqual(['totalAmount']);
  });

  it('measures the unit name in code points, as the registry on chain does', () => {
    // 128 astral-plane characters are 256 UTF-16 units: the chain accepts them, so must the record.
    expect(invalidPaths({ ...validInvoice(), issuingUnit: '\u{20000}'.repeat(128) })).toEqual([]);
    expect(invalidPaths({ ...validInvoice(), issuingUnit: '\u{20000}'.repeat(129) })).toEqual(['issuingUnit']);
    expect(invalidPaths({ ...validInvoice(), issuingUnit: ' Hospital' })).toEqual(['issuingUnit']);
  });

  it('keeps the documents of revisions an update replaced, checked like the current ones', () => {
    const earlier = { pdf: validInvoice().pdf, data: validInvoice().data, txId: 'b'.repeat(64) };
    expect(invalidPaths({ ...validInvoice(), superseded: [earlier] })).toEqual([]);
    const bad = { ...earlier, pdf: { ...earlier.pdf, sm3: 'XYZ' } };
    expect(invalidPaths({ ...validInvoice(), superseded: [bad] })).toEqual(['superseded.0.pdf.sm3']);
  });

  it('refuses fields outside the schema (no clear personal data can slip in)', () => {
    expect(invalidPaths({ ...validInvoice(), payerName: 'Zhang San' })).toEqual(['StrictModeError']);
  });
});

describe('invoiceRecordModel', () => {
  it('registers the model once per connection', () => {
    expect(invoiceRecordModel(connection)).toBe(invoiceRecordModel(connection));
  });
});
