import { execFileSync } from 'node:child_process';
import { canonicalJson, merkleProof, merkleRoot, verifyMerkleProof } from '@hdt/vocabulary';
import { sm3 } from '../domain/sm3';
import { PATIENT, RecordsBench, recordEntry } from '../../test/records';

type Json = Record<string, unknown>;

function parse(text: string): Json {
  return JSON.parse(text) as Json;
}

function entries(count: number, prefix = 'H1-R'): Json[] {
  return Array.from({ length: count }, (_, i) => recordEntry(`${prefix}${i}`));
}

async function expectRefused(bench: RecordsBench, attempt: Promise<string>, code: string): Promise<void> {
  const keys = bench.ledger.keys().sort();
  await expect(attempt).rejects.toThrow(new RegExp(`^${code}: `));
  expect(bench.ledger.keys().sort()).toEqual(keys);
}

describe('RegisterBatch', () => {
  it('stores the batch root and each record under its own key with its leaf, and emits one event', async () => {
    const bench = new RecordsBench();
    const result = parse(await bench.register(entries(5)));
    const batch = parse(await bench.query('ReadBatch', String(result.batchId)));
    const leaves = batch.leaves as string[];
    expect(result).toMatchObject({ count: 5, sourceOrg: 'Hospital1MSP', root: merkleRoot(sm3, leaves) });
    expect(batch.batchId).toBe(result.txId);

    const record = parse(await bench.query('ReadRecord', 'H1-R3'));
    expect(record).toMatchObject({ ...recordEntry('H1-R3'), sourceOrg: 'Hospital1MSP', leafIndex: 3, version: 1 });
    expect(record.leaf).toBe(leaves[3]);
    expect(verifyMerkleProof(sm3, leaves[3]!, merkleProof(sm3, leaves, 3), String(result.root))).toBe(true);
    expect(bench.ledger.events.map((event) => event.name)).toEqual(['RecordBatchRegistered']);
  });

  it('hashes a leaf as SM3(0x00 || canonical JSON of the entry with its source org), as openssl does', async () => {
    const bench = new RecordsBench();
    await bench.register(entries(1));
    const record = parse(await bench.query('ReadRecord', 'H1-R0'));
    const json = canonicalJson({ ...recordEntry('H1-R0'), sourceOrg: 'Hospital1MSP' });
    const input = Buffer.concat([Buffer.of(0), Buffer.from(json, 'utf8')]);
    const openssl = execFileSync('openssl', ['dgst', '-sm3', '-r'], { input }).toString().split(' ')[0];
    expect(record.leaf).toBe(openssl);
  });

  it('refuses a batch naming a record twice, or a record already indexed, and writes nothing', async () => {
    const bench = new RecordsBench();
    await bench.register(entries(2));
    await expectRefused(bench, bench.register([recordEntry('X1'), recordEntry('X1')]), 'RECORD_EXISTS');
    await expectRefused(bench, bench.register([recordEntry('X2'), recordEntry('H1-R1')]), 'RECORD_EXISTS');
  });

  it('refuses malformed entries, naming the field, and organisations that are not hospitals', async () => {
    const bench = new RecordsBench();
    const bad = (field: string, value: unknown) => bench.register([{ ...recordEntry('Y1'), [field]: value }]);
    await expect(bad('digest', 'AB'.repeat(32))).rejects.toThrow(/^INVALID_ARGUMENT: records\[0\]\.digest /);
    await expect(bad('patientId', 'p1')).rejects.toThrow(/records\[0\]\.patientId/);
    await expect(bad('type', 'XRAY')).rejects.toThrow(/records\[0\]\.type must be one of/);
    await expect(bad('classification', 6)).rejects.toThrow(/records\[0\]\.classification must be 1..5/);
    await expect(bad('pointer', 'no pointer')).rejects.toThrow(/records\[0\]\.pointer/);
    await expect(bad('recordedAt', '2026-02-30T00:00:00.000Z')).rejects.toThrow(/records\[0\]\.recordedAt/);
    await expect(bench.register([])).rejects.toThrow(/^INVALID_ARGUMENT: records must be an array of 1..500/);
    await expect(bench.register(entries(501))).rejects.toThrow(/1..500/);
    await expectRefused(bench, bench.register(entries(1), 'InsurerMSP'), 'FORBIDDEN');
  });

  it('takes a full batch of 500', async () => {
    const bench = new RecordsBench();
    expect(parse(await bench.register(entries(500))).count).toBe(500);
  });
});

describe('IndexedRecords', () => {
  const ask = (bench: RecordsBench, recordIds: unknown) => bench.query('IndexedRecords', JSON.stringify({ recordIds }));

  it('answers which of the ids are indexed, in the order asked', async () => {
    const bench = new RecordsBench();
    await bench.register(entries(3));
    expect(JSON.parse(await ask(bench, ['NEW-1', 'H1-R2', 'NEW-2', 'H1-R0']))).toEqual(['H1-R2', 'H1-R0']);
    expect(JSON.parse(await ask(bench, ['NEW-1']))).toEqual([]);
  });

  it('takes the ids of a full batch and refuses malformed input, naming the field', async () => {
    const bench = new RecordsBench();
    const full = Array.from({ length: 500 }, (_, i) => `R-${i}`.padEnd(64, 'x'));
    expect(JSON.parse(await ask(bench, full))).toEqual([]);
    await expect(ask(bench, [...full, 'R-500'])).rejects.toThrow(/^INVALID_ARGUMENT: recordIds must be .*1..500/);
    await expect(ask(bench, [])).rejects.toThrow(/^INVALID_ARGUMENT: recordIds /);
    await expect(ask(bench, ['ok', 'not ok'])).rejects.toThrow(/^INVALID_ARGUMENT: recordIds\[1\] /);
  });
});

describe('UpdateRecord and RetractRecord', () => {
  const update = {
    recordId: 'H1-R0',
    digest: 'e2'.repeat(32),
    pointer: 'his://h1/records/H1-R0/v2',
    reason: 'corrected',
  };

  it('lets the source hospital update, then retract; the history keeps every version', async () => {
    const bench = new RecordsBench();
    await bench.register(entries(2));
    const updated = parse(await bench.submit('UpdateRecord', update));
    expect(updated).toMatchObject({ digest: update.digest, pointer: update.pointer, version: 2, status: 'ACTIVE' });
    expect(updated.lastOperation).toMatchObject({ operation: 'UPDATE', reason: 'corrected', mspId: 'Hospital1MSP' });
    const retracted = parse(await bench.submit('RetractRecord', { recordId: 'H1-R0', reason: 'entered in error' }));
    expect(retracted).toMatchObject({ status: 'RETRACTED', version: 3, patientId: PATIENT });

    const history = JSON.parse(await bench.query('RecordHistory', 'H1-R0')) as { value: Json }[];
    expect(history.map((entry) => entry.value.version)).toEqual([1, 2, 3]);
    expect(history[0]?.value.digest).toBe('d1'.repeat(32));
    expect(bench.ledger.events.map((event) => event.name)).toEqual([
      'RecordBatchRegistered',
      'RecordUpdated',
      'RecordRetracted',
    ]);
  });

  it('refuses another organisation, a retracted record and an unknown one', async () => {
    const bench = new RecordsBench();
    await bench.register(entries(1));
    await expectRefused(bench, bench.submit('UpdateRecord', update, 'Hospital2MSP'), 'RECORD_NOT_OWNER');
    await expectRefused(bench, bench.submit('UpdateRecord', update, 'MedInsMSP'), 'FORBIDDEN');
    await bench.submit('RetractRecord', { recordId: 'H1-R0', reason: 'duplicate' });
    await expectRefused(bench, bench.submit('UpdateRecord', update), 'RECORD_RETRACTED');
    await expectRefused(
      bench,
      bench.submit('RetractRecord', { recordId: 'H1-R0', reason: 'again' }),
      'RECORD_RETRACTED',
    );
    await expect(bench.query('ReadRecord', 'NOPE')).rejects.toThrow(/^RECORD_NOT_FOUND: /);
    await expect(bench.query('RecordHistory', 'NOPE')).rejects.toThrow(/^RECORD_NOT_FOUND: /);
    await expect(bench.query('ReadBatch', 'NOPE')).rejects.toThrow(/^BATCH_NOT_FOUND: /);
  });
});

describe('AnchorEmpiAudit', () => {
  const head = (seq: number, fill: string) => ({ seq, hash: fill.repeat(64) });

  it('moves the head forward and answers the same head again', async () => {
    const bench = new RecordsBench();
    expect(JSON.parse(await bench.empiHead())).toBeNull();
    const first = parse(await bench.submit('AnchorEmpiAudit', head(1, 'a'), 'HealthCommMSP'));
    expect(first).toMatchObject({ seq: 1, hash: 'a'.repeat(64), mspId: 'HealthCommMSP' });
    const later = parse(await bench.submit('AnchorEmpiAudit', head(4, 'b'), 'Hospital2MSP'));
    expect(later).toMatchObject({ seq: 4, mspId: 'Hospital2MSP' });
    expect(parse(await bench.submit('AnchorEmpiAudit', head(4, 'b')))).toEqual(later);
    expect(parse(await bench.empiHead())).toEqual(later);
  });

  it('refuses an older entry, another hash at the head, malformed input and a non-member, changing nothing', async () => {
    const bench = new RecordsBench();
    await bench.submit('AnchorEmpiAudit', head(3, 'c'));
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', head(2, 'd')), 'EMPI_AUDIT_ANCHOR_CONFLICT');
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', head(3, 'd')), 'EMPI_AUDIT_ANCHOR_CONFLICT');
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', { seq: 0, hash: 'c'.repeat(64) }), 'INVALID_ARGUMENT');
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', { seq: 5, hash: 'XYZ' }), 'INVALID_ARGUMENT');
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', { ...head(5, 'e'), extra: 1 }), 'INVALID_ARGUMENT');
    await expectRefused(bench, bench.submit('AnchorEmpiAudit', head(5, 'e'), 'OutsiderMSP'), 'FORBIDDEN');
    expect(parse(await bench.empiHead())).toMatchObject({ seq: 3, hash: 'c'.repeat(64) });
  });
});
