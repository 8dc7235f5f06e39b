import type { AccessRuling, DecideAccessInput } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { DocumentFiles } from '../../ports';
import type { User } from '../auth/roles';
import type { AccessLedger } from './ledger';
import { AccessService } from './service';
import { InMemoryAccessLog, InMemoryRecordContents } from './stores';

const RESIDENT = 'ab'.repeat(32);
const doctor: User = { username: 'd1', displayName: 'D', mspId: 'Hospital2MSP', role: 'doctor', department: 'GP' };

function ruling(input: DecideAccessInput, allowed: boolean): AccessRuling {
  return {
    requestId: input.requestId,
    recordId: input.recordId,
    residentId: RESIDENT,
    recordType: 'LAB_REPORT',
    sourceOrg: 'Hospital1MSP',
    digest: 'cd'.repeat(32),
    mspId: 'Hospital2MSP',
    userId: input.userId,
    purpose: input.purpose,
    requestedFields: input.fields,
    basis: 'GRANT',
    grantId: input.grantId,
    breakGlass: false,
    breakGlassReason: null,
    allowed,
    fields: allowed ? input.fields : [],
    withheldFields: [],
    reason: allowed ? null : 'GRANT_REVOKED',
    txId: 'tx-1',
    timestamp: '2026-11-30T08:00:00.000Z',
  };
}

class FakeLedger implements Pick<AccessLedger, 'check' | 'decide'> {
  allowed = true;
  commitRequired = false;
  readonly inputs: DecideAccessInput[] = [];
  readonly decided: DecideAccessInput[] = [];
  check(_mspId: string, input: DecideAccessInput) {
    this.inputs.push(input);
    if (input.recordId === 'R-404') {
      return Promise.reject(new AppError('RECORD_NOT_FOUND', `record ${input.recordId} is not indexed`));
    }
    return Promise.resolve({ ruling: ruling(input, this.allowed), commitRequired: this.commitRequired });
  }
  decide(_mspId: string, input: DecideAccessInput) {
    this.decided.push(input);
    return Promise.resolve({ result: ruling(input, this.allowed), txId: 'tx-1' });
  }
}

class SpyFiles implements DocumentFiles {
  opened = 0;
  putDocument(): never {
    throw new Error('not used');
  }
  getDocument(): Promise<Uint8Array> {
    this.opened += 1;
    return Promise.resolve(Buffer.from('{}'));
  }
  destroyDocument(): Promise<void> {
    return Promise.resolve();
  }
  discardDocument(): Promise<void> {
    return Promise.resolve();
  }
}

function service(log = new InMemoryAccessLog()) {
  const ledger = new FakeLedger();
  const files = new SpyFiles();
  const access = new AccessService({
    ledger: {
      check: ledger.check.bind(ledger),
      decide: ledger.decide.bind(ledger),
      anchor: jest.fn(),
      readAnchor: jest.fn(),
      listAnchors: jest.fn(),
    },
    files,
    contents: new InMemoryRecordContents(),
    records: {
      read: (_mspId: string, recordId: string) =>
        recordId === 'R-1'
          ? Promise.resolve({ patientId: RESIDENT, type: 'LAB_REPORT' as const })
          : Promise.reject(new Error(`RECORD_NOT_FOUND: record ${recordId} is not indexed`)),
    },
    log,
    notifier: { notify: () => Promise.resolve() },
    logger: silentLogger,
  });
  return { access, ledger, files, log };
}

const body = { purpose: 'TREATMENT' as const, fields: ['diagnosis'], grantId: 'g-1' };

describe('AccessService.read', () => {
  it('releases nothing when the access record cannot be written', async () => {
    const log = new InMemoryAccessLog();
    log.append = () => Promise.reject(new Error('database down'));
    const { access, files } = service(log);
    await expect(access.read(doctor, 'R-1', body)).rejects.toThrow('database down');
    expect(files.opened).toBe(0);
  });

  it('asks the ledger every time (no cached decision) and records each outcome', async () => {
    const { access, ledger, log } = service();
    await expect(access.read(doctor, 'R-1', body)).rejects.toThrow(/CONTENT_NOT_STORED|has no stored content/);
    ledger.allowed = false;
    await expect(access.read(doctor, 'R-1', body)).rejects.toThrow(/^GRANT_REVOKED: access record /);
    expect(ledger.inputs).toHaveLength(2);
    expect(new Set(ledger.inputs.map((input) => input.requestId)).size).toBe(2);
    const outcomes = [...log.items.values()].map((item) => item.raw);
    expect(outcomes).toEqual([
      expect.objectContaining({ outcome: 'ALLOWED', username: 'd1', residentId: RESIDENT, decisionTxId: null }),
      expect.objectContaining({ outcome: 'REFUSED', reason: 'GRANT_REVOKED', decisionTxId: null }),
    ]);
    expect(ledger.decided).toHaveLength(0);
  });

  it('commits the ruling with access:Decide when the check says it changes the ledger', async () => {
    const { access, ledger, log } = service();
    ledger.commitRequired = true;
    await expect(access.read(doctor, 'R-1', body)).rejects.toThrow(/CONTENT_NOT_STORED|has no stored content/);
    expect(ledger.decided).toEqual(ledger.inputs);
    expect([...log.items.values()].map((item) => item.raw)).toEqual([
      expect.objectContaining({ outcome: 'ALLOWED', decisionTxId: 'tx-1' }),
    ]);
  });

  it("records a read refused for the user's role, for the record's resident, without asking the ledger", async () => {
    const { access, ledger, log } = service();
    const clerk: User = { username: 'k1', displayName: 'K', mspId: 'Hospital2MSP', role: 'billing_clerk' };
    await expect(access.read(clerk, 'R-1', body)).rejects.toThrow(/^only doctors of a hospital .*: access record /);
    const glass = { ...body, purpose: 'EMERGENCY' as const, breakGlassReason: 'patient collapsed in the ward' };
    await expect(access.read(doctor, 'R-1', glass)).rejects.toThrow(/^breakGlassReason: .*: access record /);
    await expect(access.read(clerk, 'R-404', body)).rejects.toThrow(/^only doctors of a hospital .*: access record /);
    expect(ledger.inputs).toHaveLength(0);
    expect([...log.items.values()].map((item) => item.raw)).toEqual([
      expect.objectContaining({ username: 'k1', residentId: RESIDENT, outcome: 'REFUSED', reason: 'ROLE_NOT_ALLOWED' }),
      expect.objectContaining({ username: 'd1', breakGlass: true, outcome: 'REFUSED', reason: 'ROLE_NOT_ALLOWED' }),
      expect.objectContaining({ username: 'k1', residentId: null, recordType: null, recordId: 'R-404' }),
    ]);
  });

  it('records a read of an id that names no record, with no resident, and answers 404', async () => {
    const { access, log } = service();
    const err: unknown = await access.read(doctor, 'R-404', body).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RECORD_NOT_FOUND', status: 404 });
    expect((err as Error).message).toMatch(/^record R-404 is not indexed: access record [0-9a-f-]{36}$/);
    expect([...log.items.values()].map((item) => item.raw)).toEqual([
      expect.objectContaining({
        username: 'd1',
        recordId: 'R-404',
        residentId: null,
        recordType: null,
        outcome: 'REFUSED',
        reason: 'RECORD_NOT_FOUND',
        requestedFields: ['diagnosis'],
      }),
    ]);
    await expect(log.byResident(RESIDENT, 10)).resolves.toEqual([]);
  });
});
