import {
  CHECK_CODE_HASH,
  CODE,
  DATA_DIGEST,
  NUMBER,
  PDF_DIGEST,
  issueInput,
  issueInputJson,
  sm3,
} from '../../test/fixtures';
import { InMemoryLedger } from '../../test/in-memory-ledger';
import { contracts } from '../index';
import { canonicalJson } from '../ledger/serialise';
import { InvoiceContract } from './invoice-contract';

const contract = new InvoiceContract();
const OTHER = sm3('other bytes');

function parse(json: string): unknown {
  return JSON.parse(json);
}

async function issue(
  ledger: InMemoryLedger,
  mspId = 'Hospital1MSP',
  input = issueInputJson(),
  txId?: string,
): Promise<string> {
  return ledger.invoke(mspId, (ctx) => contract.Issue(ctx, input), txId === undefined ? {} : { txId });
}

async function verify(
  ledger: InMemoryLedger,
  checkCodeHash: string,
  pdfDigest = '',
  dataDigest = '',
  code = CODE,
  number = NUMBER,
): Promise<unknown> {
  return parse(
    await ledger.invoke('InsurerMSP', (ctx) =>
      contract.Verify(ctx, code, number, checkCodeHash, pdfDigest, dataDigest),
    ),
  );
}

describe('chaincode entry point', () => {
  it('lists the invoice contract', () => {
    expect(contracts).toEqual([InvoiceContract]);
    expect(contract.getName()).toBe('invoice');
  });
});

describe('Issue', () => {
  it('lets a hospital issue an invoice and emits InvoiceIssued', async () => {
    const ledger = new InMemoryLedger();
    const result = await ledger.invoke('Hospital2MSP', (ctx) => contract.Issue(ctx, issueInputJson()), {
      txId: 'tx-issue',
      seconds: 1_767_601_800,
      nanos: 123_456_789,
    });

    const expected = {
      ...issueInput(),
      issuerMsp: 'Hospital2MSP',
      issuedAt: '2026-01-05T08:30:00.123Z',
      currency: 'CNY',
      status: 'ISSUED',
      lastTxId: 'tx-issue',
      updatedAt: '2026-01-05T08:30:00.123Z',
    };
    expect(parse(result)).toEqual(expected);
    expect(result).toBe(canonicalJson(expected));

    expect(ledger.keys()).toEqual([`\u0000invoice\u0000${CODE}\u0000${NUMBER}\u0000`]);
    const key = ledger.keys()[0] ?? '';
    expect(Buffer.from(ledger.committed(key) ?? []).toString('utf8')).toBe(result);

    expect(ledger.events).toEqual([
      {
        txId: 'tx-issue',
        name: 'InvoiceIssued',
        payload: canonicalJson({ code: CODE, number: NUMBER, issuerMsp: 'Hospital2MSP', txId: 'tx-issue' }),
      },
    ]);
  });

  it('refuses a second invoice with the same code and number, from any hospital', async () => {
    const ledger = new InMemoryLedger();
    await issue(ledger);
    const other = issueInputJson({
      totalAmount: 1,
      reimbursableAmount: 0,
      payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: 1 },
    });
    for (const mspId of ['Hospital1MSP', 'Hospital2MSP']) {
      await expect(issue(ledger, mspId, other)).rejects.toThrow(
        `INVOICE_EXISTS: invoice ${CODE}/${NUMBER} was already issued`,
      );
      expect(ledger.lastTransaction?.writes.size).toBe(0);
      expect(ledger.lastTransaction?.event).toBeUndefined();
    }
    expect(ledger.events).toHaveLength(1);
  });

  it('issues invoices that differ only in number', async () => {
    const ledger = new InMemoryLedger();
    await issue(ledger);
    await issue(ledger, 'Hospital1MSP', issueInputJson({ number: '0000000002' }));
    expect(ledger.keys()).toHaveLength(2);
  });

  it.each(['InsurerMSP', 'MedInsMSP', 'HealthCommMSP', 'Org1MSP'])(
    'refuses %s with FORBIDDEN and writes nothing',
    async (mspId) => {
      const ledger = new InMemoryLedger();
      await expect(issue(ledger, mspId)).rejects.toThrow(/^FORBIDDEN: organisation "\w+" may not issue invoices/);
      expect(ledger.lastTransaction?.writes.size).toBe(0);
      expect(ledger.lastTransaction?.event).toBeUndefined();
      expect(ledger.keys()).toEqual([]);
      expect(ledger.events).toEqual([]);
    },
  );

  it('refuses invalid input naming the field, and writes nothing', async () => {
    const ledger = new InMemoryLedger();
    const input = issueInput();
    const payment = { ...(input['payment'] as Record<string, unknown>), selfPay: -1 };
    await expect(issue(ledger, 'Hospital1MSP', JSON.stringify({ ...input, payment }))).rejects.toThrow(
      'INVALID_ARGUMENT: payment.selfPay must not be negative',
    );
    await expect(issue(ledger, 'Hospital1MSP', '{')).rejects.toThrow('INVALID_ARGUMENT: input must be valid JSON');
    await expect(issue(ledger, 'Hospital1MSP', issueInputJson({ status: 'VOIDED' }))).rejects.toThrow(
      'INVALID_ARGUMENT: status is not an accepted field',
    );
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    expect(ledger.keys()).toEqual([]);
  });
});

describe('Read', () => {
  it('returns the stored invoice to any consortium member', async () => {
    const ledger = new InMemoryLedger();
    const issued = await issue(ledger);
    for (const mspId of ['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP']) {
      await expect(ledger.invoke(mspId, (ctx) => contract.Read(ctx, CODE, NUMBER))).resolves.toBe(issued);
    }
  });

  it('reports a missing invoice with INVOICE_NOT_FOUND', async () => {
    const ledger = new InMemoryLedger();
    await expect(ledger.invoke('InsurerMSP', (ctx) => contract.Read(ctx, CODE, NUMBER))).rejects.toThrow(
      `INVOICE_NOT_FOUND: invoice ${CODE}/${NUMBER} does not exist`,
    );
  });

  it('validates its arguments and the caller', async () => {
    const ledger = new InMemoryLedger();
    await expect(ledger.invoke('InsurerMSP', (ctx) => contract.Read(ctx, '123', NUMBER))).rejects.toThrow(
      'INVALID_ARGUMENT: code must be exactly 8 digits',
    );
    await expect(ledger.invoke('Org1MSP', (ctx) => contract.Read(ctx, CODE, NUMBER))).rejects.toThrow(/^FORBIDDEN: /);
  });
});

describe('Verify', () => {
  let ledger: InMemoryLedger;
  beforeEach(async () => {
    ledger = new InMemoryLedger();
    await issue(ledger);
  });

  it('answers authentic when the check code and the supplied digests match', async () => {
    await expect(verify(ledger, CHECK_CODE_HASH, PDF_DIGEST, DATA_DIGEST)).resolves.toEqual({
      result: 'authentic',
      status: 'ISSUED',
      mismatches: [],
    });
    await expect(verify(ledger, CHECK_CODE_HASH)).resolves.toEqual({
      result: 'authentic',
      status: 'ISSUED',
      mismatches: [],
    });
  });

  it('answers tampered when the PDF differs', async () => {
    await expect(verify(ledger, CHECK_CODE_HASH, OTHER, DATA_DIGEST)).resolves.toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['pdfDigest'],
    });
  });

  it('answers tampered when the structured data differs', async () => {
    await expect(verify(ledger, CHECK_CODE_HASH, '', OTHER)).resolves.toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['dataDigest'],
    });
  });

  it('answers unknown for a missing invoice', async () => {
    await expect(verify(ledger, CHECK_CODE_HASH, PDF_DIGEST, DATA_DIGEST, CODE, '0000000099')).resolves.toEqual({
      result: 'unknown',
      mismatches: [],
    });
  });

  it('answers unknown, the same as for a missing invoice, when the check code hash is wrong', async () => {
    const wrong = await ledger.invoke('InsurerMSP', (ctx) =>
      contract.Verify(ctx, CODE, NUMBER, OTHER, PDF_DIGEST, DATA_DIGEST),
    );
    const missing = await ledger.invoke('InsurerMSP', (ctx) =>
      contract.Verify(ctx, CODE, '0000000099', OTHER, PDF_DIGEST, DATA_DIGEST),
    );
    expect(wrong).toBe('{"mismatches":[],"result":"unknown"}');
    expect(wrong).toBe(missing);
  });

  it('writes nothing', async () => {
    await verify(ledger, CHECK_CODE_HASH, OTHER, OTHER);
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    expect(ledger.lastTransaction?.event).toBeUndefined();
  });

  it('validates its arguments', async () => {
    await expect(verify(ledger, 'abc')).rejects.toThrow(
      'INVALID_ARGUMENT: checkCodeHash must be 64 lowercase hexadecimal characters',
    );
    await expect(verify(ledger, CHECK_CODE_HASH, 'xyz')).rejects.toThrow(
      'INVALID_ARGUMENT: pdfDigest must be empty or 64 lowercase',
    );
    await expect(verify(ledger, CHECK_CODE_HASH, '', '', CODE, 'abc')).rejects.toThrow(
      'INVALID_ARGUMENT: number must be exactly 10 digits',
    );
  });
});

describe('History', () => {
  it('returns the versions of an invoice in ledger order', async () => {
    const ledger = new InMemoryLedger();
    const issued = await issue(ledger, 'Hospital1MSP', issueInputJson(), 'tx-first');
    // A later transaction writing the same key (stands in for the lifecycle steps of later slices).
    const key = ledger.keys()[0] ?? '';
    const updated = canonicalJson({ ...(parse(issued) as Record<string, unknown>), lastTxId: 'tx-second' });
    ledger.seed(key, updated, 'tx-second');

    const history = parse(await ledger.invoke('MedInsMSP', (ctx) => contract.History(ctx, CODE, NUMBER)));
    expect(history).toEqual([
      {
        txId: 'tx-first',
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
        timestamp: expect.stringMatching(/^2026-01-05T08:31:00\.123Z$/),
        isDelete: false,
        value: parse(issued),
      },
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
      { txId: 'tx-second', timestamp: expect.stringMatching(/^\d{4}-.*Z$/), isDelete: false, value: parse(updated) },
    ]);
  });

  it('returns deterministic JSON', async () => {
    const ledger = new InMemoryLedger();
    await issue(ledger);
    const first = await ledger.invoke('HealthCommMSP', (ctx) => contract.History(ctx, CODE, NUMBER));
    const second = await ledger.invoke('Hospital2MSP', (ctx) => contract.History(ctx, CODE, NUMBER));
    expect(first).toBe(second);
    expect(first).toBe(canonicalJson(parse(first)));
  });

  it('reports an invoice without history with INVOICE_NOT_FOUND', async () => {
    const ledger = new InMemoryLedger();
    await expect(ledger.invoke('InsurerMSP', (ctx) => contract.History(ctx, CODE, NUMBER))).rejects.toThrow(
      /^INVOICE_NOT_FOUND: /,
    );
  });
});

describe('deterministic results', () => {
  it('gives identical bytes for the same invoice whatever the key order of the input', async () => {
    const input = issueInput();
    const reversed = Object.fromEntries(
      Object.entries(input)
        .reverse()
        .map(([k, v]) => [k, k === 'payment' ? Object.fromEntries(Object.entries(v as object).reverse()) : v]),
    );
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(input));

    const a = new InMemoryLedger();
    const b = new InMemoryLedger();
    const options = { txId: 'tx-same', seconds: 1_767_601_800, nanos: 0 };
    const fromA = await a.invoke('Hospital1MSP', (ctx) => contract.Issue(ctx, JSON.stringify(input)), options);
    const fromB = await b.invoke('Hospital1MSP', (ctx) => contract.Issue(ctx, JSON.stringify(reversed)), options);
    expect(fromA).toBe(fromB);
    const key = a.keys()[0] ?? '';
    expect(Buffer.from(a.committed(key) ?? []).equals(Buffer.from(b.committed(key) ?? []))).toBe(true);
    expect(a.events).toEqual(b.events);
  });

  it('serialises equal objects with different key order to identical bytes', () => {
    expect(canonicalJson({ result: 'tampered', status: 'ISSUED', mismatches: ['pdfDigest'] })).toBe(
      canonicalJson({ mismatches: ['pdfDigest'], status: 'ISSUED', result: 'tampered' }),
    );
  });
});
