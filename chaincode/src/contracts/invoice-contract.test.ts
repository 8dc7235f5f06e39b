import { KeyEndorsementPolicy } from 'fabric-shim';
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
import { HOSPITAL2_CODE, HOSPITAL2_UNIT, invoiceKeys, registeredLedger } from '../../test/registry';
import { contracts } from '../index';
import { canonicalJson } from '../ledger/serialise';
import { AccessContract } from './access-contract';
import { ConsentContract } from './consent-contract';
import { RecordsContract } from './records-contract';
import { InvoiceContract } from './invoice-contract';
import { ProbeContract } from './probe-contract';
import { RegistryContract } from './registry-contract';

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
    expect(contracts).toEqual([
      InvoiceContract,
      RegistryContract,
      ProbeContract,
      ConsentContract,
      RecordsContract,
      AccessContract,
    ]);
    expect(contract.getName()).toBe('invoice');
  });
});

describe('probe', () => {
  it('Noop writes nothing and answers members only', async () => {
    const ledger = new InMemoryLedger();
    const probe = new ProbeContract();
    await expect(ledger.invoke('InsurerMSP', (ctx) => probe.Noop(ctx))).resolves.toBe('InsurerMSP');
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    await expect(ledger.invoke('Org9MSP', (ctx) => probe.Noop(ctx))).rejects.toThrow(/^FORBIDDEN: /);
  });
});

describe('Issue', () => {
  it('lets a hospital issue an invoice under its own code, naming the registered unit, and emits InvoiceIssued', async () => {
    const ledger = await registeredLedger();
    const input = issueInput({ code: HOSPITAL2_CODE, actor: 'h2.clerk' });
    const result = await ledger.invoke('Hospital2MSP', (ctx) => contract.Issue(ctx, JSON.stringify(input)), {
      txId: 'tx-issue',
      seconds: 1_767_601_800,
      nanos: 123_456_789,
    });

    const fields = Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'actor'));
    const at = '2026-01-05T08:30:00.123Z';
    const expected = {
      ...fields,
      kind: 'BLUE',
      issuingUnit: HOSPITAL2_UNIT,
      issuerMsp: 'Hospital2MSP',
      issuedAt: at,
      currency: 'CNY',
      status: 'ISSUED',
      linkedInvoice: null,
      locks: [],
      reimbursements: [],
      reimbursedAmount: 0,
      revision: 1,
      lastOperation: {
        operation: 'ISSUE',
        mspId: 'Hospital2MSP',
        actor: 'h2.clerk',
        timestamp: at,
        txId: 'tx-issue',
        reason: '',
      },
      lastTxId: 'tx-issue',
      updatedAt: at,
    };
    expect(parse(result)).toEqual(expected);
    expect(result).toBe(canonicalJson(expected));

    expect(invoiceKeys(ledger)).toEqual([`\u0000invoice\u0000${HOSPITAL2_CODE}\u0000${NUMBER}\u0000`]);
    const key = invoiceKeys(ledger)[0] ?? '';
    expect(Buffer.from(ledger.committed(key) ?? []).toString('utf8')).toBe(result);
    expect(new KeyEndorsementPolicy(Buffer.from(ledger.keyPolicies.get(key) ?? [])).listOrgs()).toEqual([
      'Hospital2MSP',
      'HealthCommMSP',
    ]);

    expect(ledger.events).toEqual([
      {
        txId: 'tx-issue',
        name: 'InvoiceIssued',
        payload: canonicalJson({ operation: 'ISSUE', txId: 'tx-issue', timestamp: at, invoices: [expected] }),
      },
    ]);
  });

  it('refuses a code allocated to another hospital, and an unregistered hospital', async () => {
    const ledger = await registeredLedger();
    await expect(issue(ledger, 'Hospital2MSP')).rejects.toThrow(
      `CODE_NOT_ALLOCATED: invoice code ${CODE} is not allocated to Hospital2MSP`,
    );
    await expect(issue(ledger, 'Hospital1MSP', issueInputJson({ code: '99999999' }))).rejects.toThrow(
      /^CODE_NOT_ALLOCATED: /,
    );
    await expect(issue(new InMemoryLedger())).rejects.toThrow(
      'ORG_NOT_REGISTERED: organisation Hospital1MSP has no profile in the registry',
    );
    expect(invoiceKeys(ledger)).toEqual([]);
  });

  it('refuses a second invoice with the same code and number', async () => {
    const ledger = await registeredLedger();
    await issue(ledger);
    const other = issueInputJson({
      totalAmount: 1,
      reimbursableAmount: 0,
      payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: 1 },
    });
    await expect(issue(ledger, 'Hospital1MSP', other)).rejects.toThrow(
      `INVOICE_EXISTS: invoice ${CODE}/${NUMBER} was already issued`,
    );
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    expect(ledger.lastTransaction?.event).toBeUndefined();
    expect(ledger.events).toHaveLength(1);
  });

  it('issues invoices that differ only in number', async () => {
    const ledger = await registeredLedger();
    await issue(ledger);
    await issue(ledger, 'Hospital1MSP', issueInputJson({ number: '0000000002' }));
    expect(invoiceKeys(ledger)).toHaveLength(2);
  });

  it.each(['InsurerMSP', 'MedInsMSP', 'HealthCommMSP', 'Org1MSP'])(
    'refuses %s with FORBIDDEN and writes nothing',
    async (mspId) => {
      const ledger = await registeredLedger();
      await expect(issue(ledger, mspId)).rejects.toThrow(/^FORBIDDEN: organisation "\w+" may not issue invoices/);
      expect(ledger.lastTransaction?.writes.size).toBe(0);
      expect(ledger.lastTransaction?.event).toBeUndefined();
      expect(invoiceKeys(ledger)).toEqual([]);
      expect(ledger.events).toEqual([]);
    },
  );

  it('refuses invalid input naming the field, and writes nothing', async () => {
    const ledger = await registeredLedger();
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
    expect(invoiceKeys(ledger)).toEqual([]);
  });
});

describe('Read', () => {
  it('returns the stored invoice to any consortium member', async () => {
    const ledger = await registeredLedger();
    const issued = await issue(ledger);
    for (const mspId of ['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP']) {
      await expect(ledger.invoke(mspId, (ctx) => contract.Read(ctx, CODE, NUMBER))).resolves.toBe(issued);
    }
  });

  it('reports a missing invoice with INVOICE_NOT_FOUND', async () => {
    const ledger = await registeredLedger();
    await expect(ledger.invoke('InsurerMSP', (ctx) => contract.Read(ctx, CODE, NUMBER))).rejects.toThrow(
      `INVOICE_NOT_FOUND: invoice ${CODE}/${NUMBER} does not exist`,
    );
  });

  it('validates its arguments and the caller', async () => {
    const ledger = await registeredLedger();
    await expect(ledger.invoke('InsurerMSP', (ctx) => contract.Read(ctx, '123', NUMBER))).rejects.toThrow(
      'INVALID_ARGUMENT: code must be exactly 8 digits',
    );
    await expect(ledger.invoke('Org1MSP', (ctx) => contract.Read(ctx, CODE, NUMBER))).rejects.toThrow(/^FORBIDDEN: /);
  });
});

describe('Verify', () => {
  let ledger: InMemoryLedger;
  beforeEach(async () => {
    ledger = await registeredLedger();
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
    const ledger = await registeredLedger();
    const issued = await issue(ledger, 'Hospital1MSP', issueInputJson(), 'tx-first');
    // A later transaction writing the same key (stands in for the lifecycle steps of later slices).
    const key = invoiceKeys(ledger)[0] ?? '';
    const updated = canonicalJson({ ...(parse(issued) as Record<string, unknown>), lastTxId: 'tx-second' });
    ledger.seed(key, updated, 'tx-second');

    const history = parse(await ledger.invoke('MedInsMSP', (ctx) => contract.History(ctx, CODE, NUMBER)));
    expect(history).toEqual([
      {
        txId: 'tx-first',
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
        timestamp: expect.stringMatching(/^2026-01-05T08:35:00\.123Z$/),
        isDelete: false,
        value: parse(issued),
      },
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
      { txId: 'tx-second', timestamp: expect.stringMatching(/^\d{4}-.*Z$/), isDelete: false, value: parse(updated) },
    ]);
  });

  it('returns deterministic JSON', async () => {
    const ledger = await registeredLedger();
    await issue(ledger);
    const first = await ledger.invoke('HealthCommMSP', (ctx) => contract.History(ctx, CODE, NUMBER));
    const second = await ledger.invoke('Hospital2MSP', (ctx) => contract.History(ctx, CODE, NUMBER));
    expect(first).toBe(second);
    expect(first).toBe(canonicalJson(parse(first)));
  });

  it('reports an invoice without history with INVOICE_NOT_FOUND', async () => {
    const ledger = await registeredLedger();
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

    const a = await registeredLedger();
    const b = await registeredLedger();
    const options = { txId: 'tx-same', seconds: 1_767_601_800, nanos: 0 };
    const fromA = await a.invoke('Hospital1MSP', (ctx) => contract.Issue(ctx, JSON.stringify(input)), options);
    const fromB = await b.invoke('Hospital1MSP', (ctx) => contract.Issue(ctx, JSON.stringify(reversed)), options);
    expect(fromA).toBe(fromB);
    const key = invoiceKeys(a)[0] ?? '';
    expect(Buffer.from(a.committed(key) ?? []).equals(Buffer.from(b.committed(key) ?? []))).toBe(true);
    expect(a.events).toEqual(b.events);
  });

  it('serialises equal objects with different key order to identical bytes', () => {
    expect(canonicalJson({ result: 'tampered', status: 'ISSUED', mismatches: ['pdfDigest'] })).toBe(
      canonicalJson({ mismatches: ['pdfDigest'], status: 'ISSUED', result: 'tampered' }),
    );
  });
});
