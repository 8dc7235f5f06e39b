import mongoose from 'mongoose';
import { checkCodeFailureModel, type CheckCodeFailure } from './check-code-failure-model';

// Schema rules only; reads and writes against a real server are in tests/integration.
const connection = mongoose.createConnection();
afterAll(async () => {
  await connection.close();
});

function valid(): Omit<CheckCodeFailure, 'invoice'> {
  return {
    at: new Date(),
    username: 'insurer.officer',
    mspId: 'InsurerMSP',
    code: '31010125',
    number: '0000000001',
    via: 'verify',
    outcome: 'wrong_check_code',
  };
}

async function invalidPaths(doc: Record<string, unknown>): Promise<string[]> {
  const model = checkCodeFailureModel(connection);
  try {
    await new model(doc).validate();
    return [];
  } catch (error) {
    if (error instanceof mongoose.Error.ValidationError) return Object.keys(error.errors).sort();
    // strict: 'throw' rejects unknown fields at construction.
    return [error instanceof Error ? error.name : 'unknown'];
  }
}

describe('CheckCodeFailure model', () => {
  it('accepts a failure, names its invoice code/number, lives in check_code_failures', async () => {
    const doc = new (checkCodeFailureModel(connection))(valid());
    await doc.validate();
    expect(doc.invoice).toBe('31010125/0000000001');
    expect(checkCodeFailureModel(connection).collection.collectionName).toBe('check_code_failures');
    expect(checkCodeFailureModel(connection)).toBe(checkCodeFailureModel(connection));
  });

  it('has an index behind each query of the limits: (invoice, at) and (username, at)', () => {
    const indexes = checkCodeFailureModel(connection).schema.indexes();
    expect(indexes).toContainEqual([{ invoice: 1, at: -1 }, expect.objectContaining({ name: 'invoice_at' })]);
    expect(indexes).toContainEqual([{ username: 1, at: -1 }, expect.objectContaining({ name: 'username_at' })]);
  });

  it('rejects malformed fields and anything outside the schema (the check code tried is never kept)', async () => {
    expect(await invalidPaths({ ...valid(), code: '1', via: 'phone', outcome: 'guessed' })).toEqual([
      'code',
      'outcome',
      'via',
    ]);
    expect(await invalidPaths({ ...valid(), checkCode: '7K3QXP' })).toEqual(['StrictModeError']);
  });
});
