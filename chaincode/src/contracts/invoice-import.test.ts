import { KeyEndorsementPolicy } from 'fabric-shim';
import { CODE, NUMBER, issueInput, issueInputJson } from '../../test/fixtures';
import { InMemoryLedger } from '../../test/in-memory-ledger';
import { HOSPITAL2_CODE, invoiceKeys, registeredLedger } from '../../test/registry';
import { canonicalJson } from '../ledger/serialise';
import { InvoiceContract } from './invoice-contract';

const contract = new InvoiceContract();
const ISSUED_AT = '2019-03-04T05:06:07.890Z';

function item(index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const fields = issueInput({ number: String(index + 1).padStart(10, '0'), issuedAt: ISSUED_AT, ...overrides });
  delete fields['actor'];
  return fields;
}

function batchJson(items: readonly Record<string, unknown>[], batchId = 'job-1.0001'): string {
  return JSON.stringify({ batchId, actor: 'h1.clerk', invoices: items });
}

async function importBatch(ledger: InMemoryLedger, input: string, mspId = 'Hospital1MSP'): Promise<string> {
  return ledger.invoke(mspId, (ctx) => contract.ImportBatch(ctx, input), { txId: 'tx-import' });
}

async function readBatch(ledger: InMemoryLedger, ids: unknown): Promise<unknown> {
  const text = typeof ids === 'string' ? ids : JSON.stringify(ids);
  return JSON.parse(await ledger.invoke('InsurerMSP', (ctx) => contract.ReadBatch(ctx, text)));
}

describe('ImportBatch', () => {
  it('imports every invoice with its original issue time, marked with the batch, under the issue endorsement policy', async () => {
    const ledger = await registeredLedger();
    const items = [item(0), item(1, { type: 'INPATIENT' }), item(2)];
    const result: unknown = JSON.parse(await importBatch(ledger, batchJson(items)));
    expect(result).toEqual({
      batchId: 'job-1.0001',
      issuerMsp: 'Hospital1MSP',
      issuingUnit: 'Qingpu District Central Hospital',
      count: 3,
    });
    expect(invoiceKeys(ledger)).toHaveLength(3);

    const [first] = (await readBatch(ledger, [{ code: CODE, number: '0000000001' }])) as Record<string, unknown>[];
    expect(first).toMatchObject({
      issuedAt: ISSUED_AT,
      status: 'ISSUED',
      revision: 1,
      issuerMsp: 'Hospital1MSP',
      lastOperation: { operation: 'IMPORT', actor: 'h1.clerk', txId: 'tx-import' },
      migration: { batchId: 'job-1.0001', importedAt: first?.['updatedAt'] },
    });
    for (const key of invoiceKeys(ledger)) {
      expect(new KeyEndorsementPolicy(Buffer.from(ledger.keyPolicies.get(key) ?? [])).listOrgs()).toEqual([
        'Hospital1MSP',
        'HealthCommMSP',
      ]);
    }

    expect(ledger.events).toHaveLength(1);
    const event = JSON.parse(ledger.events[0]?.payload ?? '{}') as { operation: string; invoices: unknown[] };
    expect(ledger.events[0]?.name).toBe('InvoicesImported');
    expect(event.operation).toBe('IMPORT');
    expect(event.invoices).toHaveLength(3);
    expect(canonicalJson(event.invoices[0])).toBe(canonicalJson(first));
  });

  it('imported invoices follow the lifecycle like issued ones', async () => {
    const ledger = await registeredLedger();
    await importBatch(ledger, batchJson([item(0)]));
    const voided = JSON.parse(
      await ledger.invoke('Hospital1MSP', (ctx) =>
        contract.Void(
          ctx,
          JSON.stringify({ code: CODE, number: '0000000001', actor: 'h1.clerk', reason: 'duplicate' }),
        ),
      ),
    ) as Record<string, unknown>;
    expect(voided).toMatchObject({ status: 'VOIDED', issuedAt: ISSUED_AT, migration: { batchId: 'job-1.0001' } });
  });

  it('refuses the whole batch when one invoice breaks a rule, naming its index', async () => {
    const ledger = await registeredLedger();
    const bad = item(1, { payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: -1 } });
    await expect(importBatch(ledger, batchJson([item(0), bad]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices[1].payment.selfPay must not be negative',
    );
    await expect(importBatch(ledger, batchJson([item(0), item(1), item(2, { code: HOSPITAL2_CODE })]))).rejects.toThrow(
      `CODE_NOT_ALLOCATED: invoices[2]: invoice code ${HOSPITAL2_CODE} is not allocated to Hospital1MSP`,
    );
    await expect(importBatch(ledger, batchJson([item(0), { ...item(1), status: 'ISSUED' }]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices[1].status is not an accepted field',
    );
    await expect(importBatch(ledger, batchJson([item(0), 'x' as unknown as Record<string, unknown>]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices[1] must be a JSON object',
    );
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    expect(invoiceKeys(ledger)).toEqual([]);
    expect(ledger.events).toEqual([]);
  });

  it('refuses issue times in the future, at the import itself, before 1900 or malformed', async () => {
    const ledger = await registeredLedger();
    await expect(importBatch(ledger, batchJson([item(0, { issuedAt: '2099-01-01T00:00:00.000Z' })]))).rejects.toThrow(
      /^INVALID_ARGUMENT: invoices\[0\]\.issuedAt must be before the time of the import \(2026-/,
    );
    await expect(importBatch(ledger, batchJson([item(0, { issuedAt: '1899-12-31T23:59:59.999Z' })]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices[0].issuedAt must not be before 1900-01-01T00:00:00.000Z',
    );
    await expect(importBatch(ledger, batchJson([item(0, { issuedAt: '2019-02-30T00:00:00.000Z' })]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices[0].issuedAt must be a valid calendar date and time',
    );
    const at = Date.UTC(2026, 0, 5, 9, 0, 0);
    const same = new Date(at).toISOString();
    await expect(
      ledger.invoke('Hospital1MSP', (ctx) => contract.ImportBatch(ctx, batchJson([item(0, { issuedAt: same })])), {
        seconds: at / 1000,
        nanos: 0,
      }),
    ).rejects.toThrow('INVALID_ARGUMENT: invoices[0].issuedAt must be before the time of the import');
    expect(invoiceKeys(ledger)).toEqual([]);
  });

  it('refuses an invoice already on the ledger, and one repeated in the batch, naming the item', async () => {
    const ledger = await registeredLedger();
    await ledger.invoke('Hospital1MSP', (ctx) => contract.Issue(ctx, issueInputJson({ number: '0000000002' })));
    await expect(importBatch(ledger, batchJson([item(0), item(1)]))).rejects.toThrow(
      `INVOICE_EXISTS: invoices[1]: invoice ${CODE}/0000000002 was already issued`,
    );
    await expect(importBatch(ledger, batchJson([item(2), item(3), item(2)]))).rejects.toThrow(
      `INVOICE_EXISTS: invoices[2]: invoice ${CODE}/0000000003 appears twice in the batch (also invoices[0])`,
    );
    expect(invoiceKeys(ledger)).toHaveLength(1);
  });

  it('refuses a batch that is empty, too large, or malformed as a whole', async () => {
    const ledger = await registeredLedger();
    await expect(importBatch(ledger, batchJson([]))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices must be an array of 1..200 invoices',
    );
    const many = Array.from({ length: 201 }, (_, index) => item(index));
    await expect(importBatch(ledger, batchJson(many))).rejects.toThrow(
      'INVALID_ARGUMENT: invoices must be an array of 1..200 invoices',
    );
    await expect(importBatch(ledger, batchJson([item(0)], 'bad id'))).rejects.toThrow(
      'INVALID_ARGUMENT: batchId must be a batch id',
    );
    await expect(
      importBatch(ledger, JSON.stringify({ batchId: 'b', actor: 'h1.clerk', invoices: [], x: 1 })),
    ).rejects.toThrow('INVALID_ARGUMENT: x is not an accepted field');
    await expect(importBatch(ledger, 'x'.repeat(500_000))).rejects.toThrow(
      'INVALID_ARGUMENT: input must not exceed 409600 characters',
    );
  });

  it('imports the largest batch allowed', async () => {
    const ledger = await registeredLedger();
    const items = Array.from({ length: 200 }, (_, index) => item(index));
    await importBatch(ledger, batchJson(items));
    expect(invoiceKeys(ledger)).toHaveLength(200);
  });

  it.each(['InsurerMSP', 'HealthCommMSP', 'Org9MSP'])('refuses %s: only hospitals import', async (mspId) => {
    const ledger = await registeredLedger();
    await expect(importBatch(ledger, batchJson([item(0)]), mspId)).rejects.toThrow(/^FORBIDDEN: /);
    expect(invoiceKeys(ledger)).toEqual([]);
  });

  it('refuses a hospital without a registry profile', async () => {
    await expect(importBatch(new InMemoryLedger(), batchJson([item(0)]))).rejects.toThrow(
      'ORG_NOT_REGISTERED: invoices[0]: organisation Hospital1MSP has no profile in the registry',
    );
  });
});

describe('ReadBatch', () => {
  it('answers each invoice or null, in the order asked', async () => {
    const ledger = await registeredLedger();
    await importBatch(ledger, batchJson([item(0), item(2)]));
    const found = (await readBatch(ledger, [
      { code: CODE, number: '0000000003' },
      { code: CODE, number: NUMBER.replace('1', '9') },
      { code: CODE, number: '0000000001' },
    ])) as ({ number: string } | null)[];
    expect(found.map((invoice) => invoice?.number ?? null)).toEqual(['0000000003', null, '0000000001']);
  });

  it('refuses malformed ids naming the entry, too many ids and non-members', async () => {
    const ledger = await registeredLedger();
    await expect(readBatch(ledger, [{ code: CODE, number: '1' }])).rejects.toThrow(
      'INVALID_ARGUMENT: ids[0].number must be exactly 10 digits',
    );
    await expect(readBatch(ledger, [{ code: CODE, number: NUMBER, extra: 1 }])).rejects.toThrow(
      'INVALID_ARGUMENT: ids[0].extra is not an accepted field',
    );
    await expect(readBatch(ledger, [])).rejects.toThrow('INVALID_ARGUMENT: ids must be an array of 1..200 invoice ids');
    await expect(readBatch(ledger, '[')).rejects.toThrow('INVALID_ARGUMENT: ids must be valid JSON');
    await expect(readBatch(ledger, `"${'x'.repeat(20_000)}"`)).rejects.toThrow(
      'INVALID_ARGUMENT: ids must not exceed 16384 characters',
    );
    await expect(
      ledger.invoke('Org9MSP', (ctx) => contract.ReadBatch(ctx, JSON.stringify([{ code: CODE, number: NUMBER }]))),
    ).rejects.toThrow(/^FORBIDDEN: /);
  });
});
