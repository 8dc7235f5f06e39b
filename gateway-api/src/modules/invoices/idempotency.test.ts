import { sm3Hex } from '@hdt/offchain-store';
import { canonicalJson } from '@hdt/vocabulary';
import { z } from 'zod';
import { FakeOffchain } from '../../../test/fake-offchain';
import { RecordingLogger } from '../../../test/harness';
import { AppError } from '../../errors';
import { ledgerUnchanged, writeOnce, type IdempotentRequest } from './idempotency';

const answerSchema = z.object({ txId: z.string(), secret: z.string() });
const ANSWER = { status: 200, schema: answerSchema };

/** writeOnce over the real idempotency store (in memory), with a write that counts its runs. */
function setup() {
  const offchain = new FakeOffchain();
  const logger = new RecordingLogger();
  const deps = { idempotency: offchain.idempotency, logger };
  const runs: string[] = [];
  /** Sends `request`; its write answers `outcome` of how many writes ran before it (or throws). */
  const send = (request: IdempotentRequest, outcome: (n: number) => z.infer<typeof answerSchema> = ok) =>
    writeOnce(deps, request, ANSWER, () => {
      const n = runs.push(JSON.stringify(request.request)) - 1;
      return Promise.resolve().then(() => outcome(n));
    });
  return { offchain, logger, runs, send };
}

const ok = (n: number) => ({ txId: `tx-${n}`, secret: 'S3CR3T' });
const lock = (key: string | undefined, amount = 100): IdempotentRequest => ({
  scope: 'medins1',
  key,
  request: { transaction: 'Lock', input: { code: '31010125', number: '0000000001', claimId: 'MI-1', amount } },
});
const refuse = (code: 'AMOUNT_UNAVAILABLE' | 'LEDGER_UNAVAILABLE' | 'STORAGE_UNAVAILABLE' | 'INTERNAL') => () => {
  throw new AppError(code, 'refused');
};

describe('writeOnce', () => {
  it('writes every time without a key', async () => {
    const { runs, send } = setup();
    await send(lock(undefined));
    await send(lock(undefined));
    expect(runs).toHaveLength(2);
  });

  it('answers a retry with the first answer, writing once, and keeps that answer sealed', async () => {
    const { offchain, runs, send } = setup();
    const first = await send(lock('lock-key-0001'));
    const again = await send(lock('lock-key-0001'));
    expect(first).toEqual({ result: ok(0), replayed: false });
    expect(again).toEqual({ result: ok(0), replayed: true });
    expect(runs).toHaveLength(1);
    const row = offchain.idempotencyRecords.row('medins1', 'lock-key-0001');
    expect(row).toMatchObject({ state: 'done', statusCode: 200 });
    const stored = Object.values(row ?? {}).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)));
    expect(stored.join('\n')).not.toContain('S3CR3T');
  });

  it('keeps keys per user', async () => {
    const { runs, send } = setup();
    await send(lock('shared-key-01'));
    const other = await send({ ...lock('shared-key-01'), scope: 'insurer1' });
    expect(other.replayed).toBe(false);
    expect(runs).toHaveLength(2);
  });

  it('refuses the key with another request (IDEMPOTENCY_KEY_REUSED, 422), writing nothing', async () => {
    const { runs, send } = setup();
    await send(lock('lock-key-0002', 100));
    await expect(send(lock('lock-key-0002', 200))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      status: 422,
    });
    expect(runs).toHaveLength(1);
  });

  it('answers 409 CONFLICT while the first request under the key still runs, writing nothing', async () => {
    const { offchain, runs, send } = setup();
    const request = lock('lock-key-0003');
    await offchain.idempotency.begin('medins1', 'lock-key-0003', sm3Hex(canonicalJson(request.request)));
    await expect(send(request)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(runs).toHaveLength(0);
    expect(offchain.idempotencyRecords.row('medins1', 'lock-key-0003')).toMatchObject({ state: 'pending' });
  });

  it.each(['AMOUNT_UNAVAILABLE', 'STORAGE_UNAVAILABLE'] as const)(
    'releases the key after %s, so the corrected request runs under it',
    async (code) => {
      const { offchain, runs, send } = setup();
      await expect(send(lock('lock-key-0004', 10_000_000), refuse(code))).rejects.toMatchObject({ code });
      expect(offchain.idempotencyRecords.row('medins1', 'lock-key-0004')).toBeUndefined();
      const corrected = await send(lock('lock-key-0004', 100));
      expect(corrected).toEqual({ result: ok(1), replayed: false });
      expect(runs).toHaveLength(2);
    },
  );

  it.each(['LEDGER_UNAVAILABLE', 'INTERNAL'] as const)(
    'keeps the key after %s (the ledger may have written): a retry is answered 409 without writing',
    async (code) => {
      const { offchain, runs, send } = setup();
      await expect(send(lock('lock-key-0005'), refuse(code))).rejects.toMatchObject({ code });
      expect(offchain.idempotencyRecords.row('medins1', 'lock-key-0005')).toMatchObject({ state: 'pending' });
      await expect(send(lock('lock-key-0005'))).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(runs).toHaveLength(1);
    },
  );

  it('answers INTERNAL when the stored answer no longer matches its schema', async () => {
    const { offchain, send } = setup();
    await send(lock('lock-key-0006'));
    const deps = { idempotency: offchain.idempotency, logger: new RecordingLogger() };
    const strict = { status: 200, schema: z.object({ other: z.string() }) };
    await expect(
      writeOnce(deps, lock('lock-key-0006'), strict, () => Promise.resolve({ other: 'x' })),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('logs, and still answers, when the answer cannot be saved', async () => {
    const { offchain, logger, send } = setup();
    offchain.idempotency.complete = () => Promise.reject(new Error('database down'));
    expect(await send(lock('lock-key-0007'))).toEqual({ result: ok(0), replayed: false });
    expect(logger.lines.map((l) => l.message)).toContain('write committed, its idempotent answer not saved');
  });
});

describe('ledgerUnchanged', () => {
  it('holds for refusals and storage failures only', () => {
    expect(ledgerUnchanged(new AppError('NOT_LOCK_HOLDER', 'x'))).toBe(true);
    expect(ledgerUnchanged(new AppError('STORAGE_UNAVAILABLE', 'x'))).toBe(true);
    expect(ledgerUnchanged(new AppError('LEDGER_UNAVAILABLE', 'x'))).toBe(false);
    expect(ledgerUnchanged(new AppError('INTERNAL', 'x'))).toBe(false);
    expect(ledgerUnchanged(new Error('anything else'))).toBe(false);
  });
});
