import { canonicalJson } from '@hdt/vocabulary';
import type { z } from 'zod';
import { AppError } from '../../errors';
import type { Committed, LandedCheck, LedgerClient, TransactionCall } from '../../fabric/ledger-client';
import { FabricConsentLedger } from './ledger';
import type { ConsentGrantView, GrantBody, ResidentKeyView, RevokeBody } from './schemas';

const RESIDENT = 'd'.repeat(64);
const operation = { mspId: 'HealthCommMSP', actor: '', timestamp: 't', txId: 'tx-1', nonce: 'n' };
const key: ResidentKeyView = {
  residentId: RESIDENT,
  publicKey: '04ab',
  keyVersion: 1,
  registeredAt: 't',
  updatedAt: 't',
  lastOperation: { ...operation, operation: 'REGISTER', reason: '' },
};
const grant: ConsentGrantView = {
  residentId: RESIDENT,
  grantId: 'g-1',
  grantee: { mspId: 'Hospital2MSP', doctorId: null },
  purpose: 'TREATMENT',
  referralId: null,
  scope: { recordTypes: ['ENCOUNTER'], recordIds: [], fields: ['*'] },
  notBefore: 't0',
  notAfter: 't1',
  useLimit: null,
  uses: 0,
  status: 'ACTIVE',
  version: 1,
  createdAt: 't',
  updatedAt: 't',
  lastOperation: { ...operation, operation: 'GRANT', keyVersion: 1, signedAt: 't', signature: 's' },
};

/** Records each call and answers from `answers`; a submit's landed check runs as if its outcome were unknown. */
class RecordingClient implements LedgerClient {
  readonly calls: string[] = [];
  landed: unknown[] = [];
  constructor(private readonly answer: (call: TransactionCall) => unknown) {}
  mspIds(): string[] {
    return ['HealthCommMSP'];
  }
  async submit<T>(mspId: string, call: TransactionCall, parse: z.ZodType<T>, landed?: LandedCheck<T>) {
    this.calls.push(`${mspId} ${call.contract}:${call.transaction} ${call.args.join(' ')}`);
    this.landed.push(await landed?.(mspId, ['tx-1']));
    return { result: parse.parse(this.answer(call)), txId: 'tx-1' } satisfies Committed<T>;
  }
  async evaluate<T>(mspId: string, call: TransactionCall, parse: z.ZodType<T>): Promise<T> {
    this.calls.push(`${mspId} ${call.contract}:${call.transaction} ${call.args.join(' ')}`);
    return Promise.resolve(parse.parse(this.answer(call)));
  }
  endorse(): Promise<void> {
    return Promise.resolve();
  }
  async settle(txId: string): Promise<string[]> {
    this.calls.push(`settle ${txId}`);
    return Promise.resolve([]);
  }
}

describe('FabricConsentLedger', () => {
  it('names the consent transactions and passes the signed input as one canonical JSON argument', async () => {
    const client = new RecordingClient((call) => (call.transaction.includes('Key') ? key : grant));
    const ledger = new FabricConsentLedger(client);
    const input = {
      payload: { residentId: RESIDENT, grant: { grantId: 'g-1' } },
      signature: '30',
    } as unknown as GrantBody;
    await expect(ledger.grant('HealthCommMSP', input)).resolves.toMatchObject({ txId: 'tx-1' });
    expect(client.calls[0]).toBe(`HealthCommMSP consent:Grant ${canonicalJson(input)}`);
    expect(client.calls[1]).toBe(`HealthCommMSP consent:ReadGrant ${RESIDENT} g-1`);
    expect(client.landed[0]).toEqual({ result: grant, txId: 'tx-1' });
    await ledger.registerKey('HealthCommMSP', {
      payload: { residentId: RESIDENT },
      signature: '30',
      actor: 'a',
    } as never);
    expect(client.landed[1]).toEqual({ result: key, txId: 'tx-1' });
    await ledger.listByGrantee('Hospital2MSP', 'Hospital2MSP', 'h2.doctor').catch(() => undefined);
    expect(client.calls).toContain('Hospital2MSP consent:ListGrantsByGrantee Hospital2MSP h2.doctor');
  });

  it('answers a revocation only after waiting for every peer to commit it', async () => {
    const client = new RecordingClient(() => grant);
    const ledger = new FabricConsentLedger(client);
    const input = { payload: { residentId: RESIDENT, grantId: 'g-1' }, signature: '30' } as unknown as RevokeBody;
    const answer = ledger.revoke('HealthCommMSP', input).then((committed) => {
      client.calls.push('answered');
      return committed;
    });
    await expect(answer).resolves.toEqual({ result: grant, txId: 'tx-1' });
    expect(client.calls.slice(-2)).toEqual(['settle tx-1', 'answered']);
  });

  it('reads an unknown key as none, and passes other refusals on', async () => {
    const unknown = new FabricConsentLedger(
      new RecordingClient(() => {
        throw new AppError('RESIDENT_KEY_UNKNOWN', 'no key');
      }),
    );
    await expect(unknown.readKey('HealthCommMSP', RESIDENT)).resolves.toBeUndefined();
    const down = new FabricConsentLedger(
      new RecordingClient(() => {
        throw new AppError('LEDGER_UNAVAILABLE', 'down');
      }),
    );
    await expect(down.readKey('HealthCommMSP', RESIDENT)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
  });
});
