import { createHash } from 'node:crypto';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { User } from '../auth/roles';
import { InMemoryRecordEntries } from './entries';
import { RecordIntake } from './intake';
import type { RecordsLedger } from './ledger';
import { InMemoryQualityStore } from './quality-store';

const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');
const NOW = new Date('2026-11-30T08:00:00.000Z');
const CLERK: User = { username: 'clerk1', displayName: 'Clerk', mspId: 'Hospital1MSP', role: 'billing_clerk' };

function entry(recordId: string) {
  return {
    recordId,
    patientId: sm3Hex('p'),
    encounterId: 'E',
    type: 'LAB_REPORT',
    recordedAt: '2026-11-29T00:00:00.000Z',
    digest: sm3Hex(recordId),
    classification: 2,
    pointer: `his://h/${recordId}`,
  };
}

/** A ledger that knows no record and refuses every submission as unreachable. */
function unreachableLedger(): RecordsLedger {
  const refuse = () => Promise.reject(new AppError('LEDGER_UNAVAILABLE', 'no orderer answered'));
  return {
    registerBatch: refuse,
    update: refuse,
    retract: refuse,
    read: refuse,
    history: refuse,
    readBatch: refuse,
    indexed: () => Promise.resolve(new Set<string>()),
  };
}

describe('registration when the ledger refuses the batch', () => {
  it('stores no error, counts nothing and keeps no entry: a retry starts from scratch', async () => {
    const quality = new InMemoryQualityStore();
    const entries = new InMemoryRecordEntries();
    const intake = new RecordIntake({
      ledger: unreachableLedger(),
      quality,
      entries,
      logger: silentLogger,
      clock: () => NOW,
    });
    const records = [entry('A'), { ...entry('B'), classification: 9 }];
    await expect(intake.submit(CLERK, records)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect((await quality.listErrors('Hospital1MSP', { limit: 10 })).items).toEqual([]);
    expect(await quality.daily(undefined, '2026-01-01', '2026-12-31')).toEqual([]);
    expect(await entries.ofPatients([{ org: 'Hospital1MSP', patientId: sm3Hex('p') }])).toEqual([]);
  });

  it('still stores the rejected entries when nothing was to be submitted', async () => {
    const quality = new InMemoryQualityStore();
    const intake = new RecordIntake({
      ledger: unreachableLedger(),
      quality,
      entries: new InMemoryRecordEntries(),
      logger: silentLogger,
      clock: () => NOW,
    });
    const outcome = await intake.submit(CLERK, [{ ...entry('B'), classification: 9 }]);
    expect(outcome.batch).toBeNull();
    expect((await quality.listErrors('Hospital1MSP', { limit: 10 })).items).toHaveLength(1);
    expect(await quality.daily('Hospital1MSP', '2026-11-30', '2026-11-30')).toEqual([
      { org: 'Hospital1MSP', day: '2026-11-30', accepted: 0, rejected: 1 },
    ]);
  });
});

describe('registration racing another batch for a record id', () => {
  it('screens again when the chaincode finds the id taken, rejecting it by rule and registering the rest', async () => {
    let checks = 0;
    let submissions = 0;
    const ledger: RecordsLedger = {
      ...unreachableLedger(),
      indexed: () => Promise.resolve(new Set(checks++ === 0 ? [] : ['A'])),
      registerBatch: (_mspId, body) => {
        submissions += 1;
        if (submissions === 1)
          return Promise.reject(new AppError('RECORD_EXISTS', 'records[0]: record A is already indexed'));
        const result = {
          batchId: 'tx2',
          sourceOrg: 'Hospital1MSP',
          count: body.records.length,
          root: 'a'.repeat(64),
          txId: 'tx2',
          timestamp: NOW.toISOString(),
        };
        return Promise.resolve({ result, txId: 'tx2' });
      },
    };
    const quality = new InMemoryQualityStore();
    const intake = new RecordIntake({
      ledger,
      quality,
      entries: new InMemoryRecordEntries(),
      logger: silentLogger,
      clock: () => NOW,
    });
    const outcome = await intake.submit(CLERK, [entry('A'), entry('B')]);
    expect(submissions).toBe(2);
    expect(outcome.accepted).toEqual([{ index: 1, recordId: 'B' }]);
    expect(outcome.rejected.map((r) => r.violations[0]?.rule)).toEqual(['DUPLICATE_ON_LEDGER']);
    expect(outcome.batch?.count).toBe(1);
  });
});
