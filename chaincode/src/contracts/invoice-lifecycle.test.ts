import { CODE, NUMBER, issueInputJson, sm3 } from '../../test/fixtures';
import type { InMemoryLedger } from '../../test/in-memory-ledger';
import { HOSPITAL2_CODE, invoiceKeys, registeredLedger } from '../../test/registry';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { InvoiceContract } from './invoice-contract';

const contract = new InvoiceContract();
const ID = { code: CODE, number: NUMBER };
const H1 = 'Hospital1MSP';
const MEDINS = 'MedInsMSP';
const INSURER = 'InsurerMSP';
const RED = {
  code: CODE,
  number: '0000000900',
  checkCodeSalt: 'ffeeddccbbaa99887766554433221100',
  checkCodeIterations: 20_000,
  checkCodeHash: sm3('red check code'),
  dataDigest: sm3('red data'),
  pdfDigest: sm3('red pdf'),
  dataCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  pdfCid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
};

type Json = Record<string, unknown>;
type Op = 'Update' | 'Lock' | 'Reimburse' | 'Unlock' | 'Void' | 'WriteOff' | 'RedFlush';

async function run(ledger: InMemoryLedger, mspId: string, op: Op, fields: Json, id: Json = ID): Promise<Json> {
  const input = JSON.stringify({ ...id, actor: 'officer.1', ...fields });
  return JSON.parse(await ledger.invoke(mspId, (ctx) => contract[op](ctx, input))) as Json;
}

const lock = (ledger: InMemoryLedger, mspId: string, claimId: string, amount: number, ttlSeconds = 3600) =>
  run(ledger, mspId, 'Lock', { claimId, amount, ttlSeconds });
const reimburse = (ledger: InMemoryLedger, mspId: string, claimId: string, amount: number) =>
  run(ledger, mspId, 'Reimburse', { claimId, amount });
const unlock = (ledger: InMemoryLedger, mspId: string, claimId: string) =>
  run(ledger, mspId, 'Unlock', { claimId, reason: 'claim refused' });
const close = (ledger: InMemoryLedger, mspId: string, op: 'Void' | 'WriteOff') =>
  run(ledger, mspId, op, { reason: op === 'Void' ? 'issued in error' : 'claims settled' });
const redFlush = (ledger: InMemoryLedger, red: Json = RED) =>
  run(ledger, H1, 'RedFlush', { reason: 'patient refunded', red });

async function issued(): Promise<InMemoryLedger> {
  const ledger = await registeredLedger();
  // reimbursable 10,000 fen of 12,345
  await ledger.invoke(H1, (ctx) => contract.Issue(ctx, issueInputJson()));
  return ledger;
}

async function stored(ledger: InMemoryLedger): Promise<Json> {
  return JSON.parse(await ledger.invoke(INSURER, (ctx) => contract.Read(ctx, CODE, NUMBER))) as Json;
}

describe('multi-payer reimbursement', () => {
  it('lets the bureau pay part and an insurer the rest, then closes the invoice for good', async () => {
    const ledger = await issued();
    expect(await lock(ledger, MEDINS, 'MI-1', 6_000)).toMatchObject({ status: 'LOCKED' });
    expect(await reimburse(ledger, MEDINS, 'MI-1', 6_000)).toMatchObject({
      status: 'PARTIALLY_REIMBURSED',
      reimbursedAmount: 6_000,
    });
    await lock(ledger, INSURER, 'INS-7', 4_000);
    const paid = await reimburse(ledger, INSURER, 'INS-7', 4_000);
    expect(paid).toMatchObject({ status: 'REIMBURSED', reimbursedAmount: 10_000 });
    expect(paid['reimbursements']).toEqual([
      expect.objectContaining({ claimId: 'MI-1', payerMsp: MEDINS, amount: 6_000 }),
      expect.objectContaining({ claimId: 'INS-7', payerMsp: INSURER, amount: 4_000 }),
    ]);

    expect(await close(ledger, INSURER, 'WriteOff')).toMatchObject({ status: 'WRITTEN_OFF', revision: 6 });
    for (const attempt of [
      () => lock(ledger, MEDINS, 'MI-2', 1),
      () => close(ledger, MEDINS, 'WriteOff'),
      () => close(ledger, H1, 'Void'),
      () => redFlush(ledger),
    ]) {
      await expect(attempt()).rejects.toThrow(
        /^INVOICE_STATE_CONFLICT: invoice \d+\/\d+ is WRITTEN_OFF; nothing changes/,
      );
    }
  });

  it('never lets reimbursed plus locked exceed the reimbursable amount', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 7_000);
    await expect(lock(ledger, INSURER, 'INS-1', 3_001)).rejects.toThrow(
      `AMOUNT_UNAVAILABLE: invoice ${CODE}/${NUMBER}: amount 3001 fen exceeds the 3000 fen still available ` +
        '(reimbursable 10000, reimbursed 0, locked 7000)',
    );
    await lock(ledger, INSURER, 'INS-1', 3_000);
    await reimburse(ledger, MEDINS, 'MI-1', 5_000); // the other 2,000 of that lock are released
    await expect(lock(ledger, INSURER, 'INS-2', 2_001)).rejects.toThrow(/^AMOUNT_UNAVAILABLE: .* 2000 fen still/);
    expect(await lock(ledger, INSURER, 'INS-2', 2_000)).toMatchObject({ status: 'LOCKED' });
  });

  it('pays out only to the lock holder, at most the locked amount, before the lock expires', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 5_000);
    await expect(reimburse(ledger, INSURER, 'MI-1', 5_000)).rejects.toThrow(
      `NOT_LOCK_HOLDER: claim MI-1 on invoice ${CODE}/${NUMBER} is held by MedInsMSP, not InsurerMSP`,
    );
    await expect(reimburse(ledger, MEDINS, 'MI-1', 5_001)).rejects.toThrow(
      /^AMOUNT_UNAVAILABLE: .*5001 fen exceeds the 5000 fen locked for claim MI-1/,
    );
    await expect(reimburse(ledger, MEDINS, 'MI-9', 1)).rejects.toThrow(/^LOCK_NOT_ACTIVE: .* claim MI-9/);
    await expect(lock(ledger, MEDINS, 'MI-1', 1)).rejects.toThrow(/^CLAIM_EXISTS: /);
    await expect(lock(ledger, H1, 'H-1', 1)).rejects.toThrow(/^FORBIDDEN: organisation Hospital1MSP may not lock/);
  });

  it('lets an expired lock no longer block, and no longer pay', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 10_000, 60); // the next transaction is 60 s later
    await expect(reimburse(ledger, MEDINS, 'MI-1', 10_000)).rejects.toThrow(/^LOCK_NOT_ACTIVE: /);
    expect(await lock(ledger, INSURER, 'INS-1', 10_000)).toMatchObject({ status: 'LOCKED' });
    await expect(lock(ledger, MEDINS, 'MI-1', 1)).rejects.toThrow(/^AMOUNT_UNAVAILABLE: /);
  });

  it('releases a lock on unlock, by the holder only', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 10_000);
    await expect(unlock(ledger, INSURER, 'MI-1')).rejects.toThrow(/^NOT_LOCK_HOLDER: /);
    const released = await unlock(ledger, MEDINS, 'MI-1');
    expect(released).toMatchObject({ status: 'ISSUED', lastOperation: { reason: 'claim refused' } });
    expect((released['locks'] as Json[])[0]).toMatchObject({ state: 'RELEASED' });
    expect(await lock(ledger, INSURER, 'INS-1', 10_000)).toMatchObject({ status: 'LOCKED' });
  });

  it('refuses reimbursing a zero reimbursable invoice', async () => {
    const ledger = await registeredLedger();
    await ledger.invoke(H1, (ctx) => contract.Issue(ctx, issueInputJson({ reimbursableAmount: 0 })));
    await expect(lock(ledger, MEDINS, 'MI-1', 1)).rejects.toThrow(/^AMOUNT_UNAVAILABLE: .*0 fen still available/);
  });
});

describe('issuer operations', () => {
  it('lets the issuer update before any lock, and never after', async () => {
    const ledger = await issued();
    const content = JSON.parse(issueInputJson({ reimbursableAmount: 12_345 })) as Json;
    const fields = Object.fromEntries(
      [
        'type',
        'totalAmount',
        'payment',
        'reimbursableAmount',
        'payerPseudonym',
        'dataDigest',
        'pdfDigest',
        'dataCid',
        'pdfCid',
      ].map((key) => [key, content[key]]),
    );
    await expect(run(ledger, 'Hospital2MSP', 'Update', fields)).rejects.toThrow(
      /^FORBIDDEN: only the issuer Hospital1MSP may UPDATE/,
    );
    expect(await run(ledger, H1, 'Update', fields)).toMatchObject({ reimbursableAmount: 12_345, revision: 2 });
    await lock(ledger, MEDINS, 'MI-1', 1);
    await unlock(ledger, MEDINS, 'MI-1');
    await expect(run(ledger, H1, 'Update', fields)).rejects.toThrow(
      /^INVOICE_STATE_CONFLICT: .*allowed only before any claim/,
    );
  });

  it('voids an unclaimed invoice, keeping it on the ledger', async () => {
    const ledger = await issued();
    await expect(close(ledger, 'Hospital2MSP', 'Void')).rejects.toThrow(/^FORBIDDEN: /);
    await lock(ledger, MEDINS, 'MI-1', 1);
    await expect(close(ledger, H1, 'Void')).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*is locked for a claim/);
    await unlock(ledger, MEDINS, 'MI-1');
    expect(await close(ledger, H1, 'Void')).toMatchObject({ status: 'VOIDED' });
    expect(await stored(ledger)).toMatchObject({ status: 'VOIDED' });
    await expect(lock(ledger, MEDINS, 'MI-2', 1)).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*is VOIDED/);
  });

  it('refuses void and red-flush once anything was reimbursed', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 100);
    await reimburse(ledger, MEDINS, 'MI-1', 100);
    await expect(close(ledger, H1, 'Void')).rejects.toThrow(
      /^INVOICE_STATE_CONFLICT: .*has been reimbursed \(100 fen\)/,
    );
    await expect(redFlush(ledger)).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*has been reimbursed/);
  });

  it('red-flushes with a linked red invoice under an allocated code', async () => {
    const ledger = await issued();
    await expect(redFlush(ledger, { ...RED, code: HOSPITAL2_CODE })).rejects.toThrow(
      `CODE_NOT_ALLOCATED: invoice code ${HOSPITAL2_CODE} is not allocated to Hospital1MSP`,
    );
    await expect(redFlush(ledger, { ...RED, number: NUMBER })).rejects.toThrow(
      'INVALID_ARGUMENT: red.number must differ from the invoice being flushed',
    );
    const [original, red] = (await redFlush(ledger)) as unknown as Json[];
    expect(original).toMatchObject({ status: 'RED_FLUSHED', linkedInvoice: { code: CODE, number: '0000000900' } });
    expect(red).toMatchObject({
      kind: 'RED',
      code: CODE,
      number: '0000000900',
      status: 'ISSUED',
      totalAmount: 12_345,
      linkedInvoice: ID,
      pdfDigest: RED.pdfDigest,
      revision: 1,
    });
    expect(invoiceKeys(ledger)).toHaveLength(2);
    const redKey = invoiceKeys(ledger).find((key) => key.includes('0000000900')) ?? '';
    expect(new KeyEndorsementPolicy(Buffer.from(ledger.keyPolicies.get(redKey) ?? [])).listOrgs()).toEqual([
      H1,
      'HealthCommMSP',
    ]);
    expect(ledger.events.at(-1)?.name).toBe('InvoiceRedFlushed');
    await expect(lock(ledger, MEDINS, 'MI-1', 1, 3600)).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*RED_FLUSHED/);
    await expect(
      run(
        ledger,
        MEDINS,
        'Lock',
        { claimId: 'MI-1', amount: 1, ttlSeconds: 3600 },
        { code: CODE, number: '0000000900' },
      ),
    ).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*is a red invoice/);
  });

  it('refuses a red-flush while locked, and onto an existing number', async () => {
    const ledger = await issued();
    await ledger.invoke(H1, (ctx) => contract.Issue(ctx, issueInputJson({ number: '0000000900' })));
    await expect(redFlush(ledger)).rejects.toThrow(`INVOICE_EXISTS: invoice ${CODE}/0000000900 was already issued`);
    await lock(ledger, INSURER, 'INS-1', 1);
    await expect(redFlush(ledger)).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*is locked/);
  });
});

describe('write-off', () => {
  it('is for a payer that reimbursed, with no lock left open', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 100);
    await expect(close(ledger, MEDINS, 'WriteOff')).rejects.toThrow(/^FORBIDDEN: only a payer that reimbursed/);
    await reimburse(ledger, MEDINS, 'MI-1', 100);
    await lock(ledger, INSURER, 'INS-1', 100);
    await expect(close(ledger, INSURER, 'WriteOff')).rejects.toThrow(/^FORBIDDEN: /);
    await expect(close(ledger, MEDINS, 'WriteOff')).rejects.toThrow(/^INVOICE_STATE_CONFLICT: .*unexpired lock/);
    await unlock(ledger, INSURER, 'INS-1');
    expect(await close(ledger, MEDINS, 'WriteOff')).toMatchObject({ status: 'WRITTEN_OFF' });
  });
});

describe('events and history', () => {
  it('emits one event per operation and reads the history back in order with org, user, time and tx id', async () => {
    const ledger = await issued();
    await lock(ledger, MEDINS, 'MI-1', 500);
    await reimburse(ledger, MEDINS, 'MI-1', 500);
    await close(ledger, MEDINS, 'WriteOff');
    expect(ledger.events.map((event) => event.name)).toEqual([
      'InvoiceIssued',
      'InvoiceLocked',
      'InvoiceReimbursed',
      'InvoiceWrittenOff',
    ]);
    const lastEvent = JSON.parse(ledger.events.at(-1)?.payload ?? '{}') as Json;
    expect(lastEvent).toMatchObject({
      operation: 'WRITE_OFF',
      invoices: [expect.objectContaining({ status: 'WRITTEN_OFF' })],
    });

    const history = JSON.parse(await ledger.invoke(INSURER, (ctx) => contract.History(ctx, CODE, NUMBER))) as {
      txId: string;
      value: { lastOperation: Json };
    }[];
    expect(history.map((entry) => entry.value.lastOperation)).toEqual([
      expect.objectContaining({ operation: 'ISSUE', mspId: H1, actor: 'h1.clerk' }),
      expect.objectContaining({ operation: 'LOCK', mspId: MEDINS, actor: 'officer.1' }),
      expect.objectContaining({ operation: 'REIMBURSE', mspId: MEDINS }),
      expect.objectContaining({ operation: 'WRITE_OFF', mspId: MEDINS, reason: 'claims settled' }),
    ]);
    for (const entry of history) expect(entry.value.lastOperation['txId']).toBe(entry.txId);
  });

  it('changes nothing when an operation is refused', async () => {
    const ledger = await issued();
    const before = await stored(ledger);
    await expect(lock(ledger, MEDINS, 'MI-1', 10_001)).rejects.toThrow(/^AMOUNT_UNAVAILABLE/);
    expect(ledger.lastTransaction?.writes.size).toBe(0);
    expect(ledger.lastTransaction?.event).toBeUndefined();
    expect(await stored(ledger)).toEqual(before);
  });

  it('validates lifecycle inputs naming the field', async () => {
    const ledger = await issued();
    await expect(lock(ledger, MEDINS, 'bad claim', 1)).rejects.toThrow(/^INVALID_ARGUMENT: claimId must be 1..64/);
    await expect(lock(ledger, MEDINS, 'MI-1', 1, 59)).rejects.toThrow(
      'INVALID_ARGUMENT: ttlSeconds must be an integer number of seconds in 60..2592000',
    );
    await expect(lock(ledger, MEDINS, 'MI-1', 0)).rejects.toThrow('INVALID_ARGUMENT: amount must be greater than zero');
    await expect(run(ledger, MEDINS, 'Unlock', { claimId: 'MI-1', reason: '' })).rejects.toThrow(
      'INVALID_ARGUMENT: reason must be 1..200 characters long, got 0',
    );
    await expect(run(ledger, MEDINS, 'Lock', { claimId: 'MI-1', amount: 1, ttlSeconds: 60, extra: 1 })).rejects.toThrow(
      'INVALID_ARGUMENT: extra is not an accepted field',
    );
    await expect(
      run(ledger, MEDINS, 'Lock', { claimId: 'MI-1', amount: 1, ttlSeconds: 60 }, { code: CODE, number: '0000000404' }),
    ).rejects.toThrow(/^INVOICE_NOT_FOUND: /);
  });
});
