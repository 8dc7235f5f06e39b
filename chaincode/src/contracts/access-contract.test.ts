import { merkleRoot } from '@hdt/vocabulary';
import type { Context } from 'fabric-contract-api';
import { ConsentBench, RESIDENT_A, RESIDENT_B, grantTerms } from '../../test/consent';
import { recordEntry } from '../../test/records';
import { sm3 } from '../domain/sm3';
import { parseStoredRuling } from '../domain/access-stored';
import { AccessContract } from './access-contract';
import { RecordsContract } from './records-contract';

type Json = Record<string, unknown>;

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const DECIDE_INPUT = {
  recordId: 'R1',
  userId: 'h2.doctor',
  purpose: 'TREATMENT',
  fields: ['diagnosis', 'address'],
  grantId: 'g-0001',
  breakGlassReason: null,
};

class AccessBench extends ConsentBench {
  readonly access = new AccessContract();
  readonly records = new RecordsContract();
  private requests = 0;

  run(mspId: string, call: (ctx: Context) => Promise<string>): Promise<string> {
    this.now += 1;
    return this.ledger.invoke(mspId, call, { seconds: this.now, nanos: 0 });
  }

  async index(recordId: string, residentId: string, mspId = 'Hospital1MSP'): Promise<void> {
    const input = JSON.stringify({ records: [{ ...recordEntry(recordId), patientId: residentId }] });
    await this.run(mspId, (ctx) => this.records.RegisterBatch(ctx, input));
  }

  async decide(overrides: Json = {}, mspId = 'Hospital2MSP'): Promise<Json> {
    this.requests += 1;
    const input = { ...DECIDE_INPUT, requestId: uuid(this.requests), ...overrides };
    return JSON.parse(await this.run(mspId, (ctx) => this.access.Decide(ctx, JSON.stringify(input)))) as Json;
  }

  async check(overrides: Json = {}, mspId = 'Hospital2MSP'): Promise<Json> {
    const input = { ...DECIDE_INPUT, requestId: uuid(50), ...overrides };
    return JSON.parse(await this.run(mspId, (ctx) => this.access.Check(ctx, JSON.stringify(input)))) as Json;
  }

  anchor(input: Json, mspId = 'HealthCommMSP'): Promise<string> {
    return this.run(mspId, (ctx) => this.access.Anchor(ctx, JSON.stringify(input)));
  }
}

async function bench(): Promise<AccessBench> {
  const b = new AccessBench();
  await b.register();
  await b.grant(grantTerms({ useLimit: 1 }));
  await b.index('R1', RESIDENT_A);
  await b.index('R2', RESIDENT_B);
  return b;
}

describe('access:Decide', () => {
  it('allows the fields the grant covers, withholds the others, and counts the use', async () => {
    const b = await bench();
    const ruling = await b.decide();
    expect(ruling).toMatchObject({
      allowed: true,
      basis: 'GRANT',
      fields: ['diagnosis'],
      withheldFields: ['address'],
      residentId: RESIDENT_A,
      reason: null,
    });
    expect(JSON.parse(b.stored('consent-grant', RESIDENT_A, 'g-0001'))).toMatchObject({ uses: 1 });
    expect(JSON.parse(b.stored('access-decision', uuid(1)))).toEqual(ruling);
    expect(await b.decide()).toMatchObject({ allowed: false, reason: 'USE_LIMIT_REACHED' });
  });

  it('refuses a grant of another resident, a purpose mismatch and a missing grant, and records each', async () => {
    const b = await bench();
    expect(await b.decide({ recordId: 'R2' })).toMatchObject({ allowed: false, reason: 'GRANT_NOT_FOUND' });
    expect(await b.decide({ purpose: 'RESEARCH' })).toMatchObject({ allowed: false, reason: 'PURPOSE_MISMATCH' });
    expect(await b.decide({ grantId: null })).toMatchObject({ allowed: false, basis: 'NONE', reason: 'NO_GRANT' });
    expect(b.stored('access-decision', uuid(3))).not.toBe('');
  });

  it('lets the source hospital read its own records, and an emergency doctor break the glass', async () => {
    const b = await bench();
    const own = await b.decide({ grantId: null, userId: 'h1.doctor' }, 'Hospital1MSP');
    expect(own).toMatchObject({ allowed: true, basis: 'SOURCE_ORG', fields: ['diagnosis', 'address'] });
    const glass = { grantId: null, purpose: 'EMERGENCY', breakGlassReason: 'unconscious patient in resus' };
    expect(await b.decide(glass)).toMatchObject({ allowed: true, basis: 'BREAK_GLASS', breakGlass: true });
    await expect(b.decide({ ...glass, purpose: 'TREATMENT' })).rejects.toThrow(/^INVALID_ARGUMENT: purpose/);
  });

  it('refuses non-hospital callers, unknown records and malformed input', async () => {
    const b = await bench();
    await expect(b.decide({}, 'InsurerMSP')).rejects.toThrow(/^FORBIDDEN: /);
    await expect(b.decide({ recordId: 'NOPE' })).rejects.toThrow(/^RECORD_NOT_FOUND: /);
    await expect(b.decide({ fields: ['*'] })).rejects.toThrow(/^INVALID_ARGUMENT: fields\[0\]/);
    await expect(b.decide({ fields: [] })).rejects.toThrow(/^INVALID_ARGUMENT: fields/);
  });

  it('answers a repeated request id with the first ruling', async () => {
    const b = await bench();
    const first = await b.decide();
    const input = JSON.stringify({ ...DECIDE_INPUT, requestId: uuid(1), fields: ['diagnosis'] });
    expect(JSON.parse(await b.run('Hospital2MSP', (ctx) => b.access.Decide(ctx, input)))).toEqual(first);
  });
});

describe('access:Check', () => {
  it('answers the ruling Decide would make, and stores nothing', async () => {
    const b = await bench();
    const checked = await b.check();
    expect(checked).toMatchObject({ commitRequired: true, ruling: { allowed: true, fields: ['diagnosis'] } });
    expect(b.stored('access-decision', uuid(50))).toBe('');
    expect(JSON.parse(b.stored('consent-grant', RESIDENT_A, 'g-0001'))).toMatchObject({ uses: 0 });
    await b.decide();
    expect(await b.check()).toMatchObject({ commitRequired: false, ruling: { reason: 'USE_LIMIT_REACHED' } });
  });

  it('needs no commit for a grant without a use limit or a refusal, but does for break-glass', async () => {
    const b = await bench();
    await b.grant(grantTerms({ grantId: 'g-0002' }));
    expect(await b.check({ grantId: 'g-0002' })).toMatchObject({ commitRequired: false, ruling: { allowed: true } });
    expect(await b.check({ purpose: 'RESEARCH' })).toMatchObject({ commitRequired: false, ruling: { allowed: false } });
    const glass = { grantId: null, purpose: 'EMERGENCY', breakGlassReason: 'unconscious patient in resus' };
    expect(await b.check(glass)).toMatchObject({ commitRequired: true, ruling: { basis: 'BREAK_GLASS' } });
    await expect(b.check({}, 'InsurerMSP')).rejects.toThrow(/^FORBIDDEN: /);
    await expect(b.check({ recordId: 'NOPE' })).rejects.toThrow(/^RECORD_NOT_FOUND: /);
  });
});

describe('access:Anchor', () => {
  const leaves = ['11'.repeat(32), '22'.repeat(32), '33'.repeat(32)];
  const input = { anchorId: 'a-1', accessIds: [uuid(1), uuid(2), uuid(3)], leaves };

  it('stores the SM3 Merkle root once; a replay answers it, other leaves are refused', async () => {
    const b = new AccessBench();
    const anchor = JSON.parse(await b.anchor(input)) as Json;
    expect(anchor).toMatchObject({ anchorId: 'a-1', count: 3, root: merkleRoot(sm3, leaves), mspId: 'HealthCommMSP' });
    expect(JSON.parse(await b.anchor(input))).toEqual(anchor);
    await expect(b.anchor({ ...input, leaves: [...leaves].reverse() })).rejects.toThrow(/^ACCESS_ANCHOR_CONFLICT: /);
    const listed = await b.run('Hospital1MSP', (ctx) => b.access.ListAnchors(ctx));
    expect(JSON.parse(listed)).toEqual([anchor]);
    const read = await b.run('Hospital1MSP', (ctx) => b.access.ReadAnchor(ctx, 'a-1'));
    expect(JSON.parse(read)).toEqual(anchor);
  });

  it('refuses leaves that do not pair with the access ids', async () => {
    const b = new AccessBench();
    await expect(b.anchor({ ...input, accessIds: 'all' })).rejects.toThrow(
      /^INVALID_ARGUMENT: accessIds must be an array/,
    );
    await expect(b.anchor({ ...input, accessIds: [] })).rejects.toThrow(/^INVALID_ARGUMENT: accessIds must hold/);
    await expect(b.anchor({ ...input, accessIds: [uuid(1), uuid(1), uuid(3)] })).rejects.toThrow(
      /accessIds\[1\] repeats/,
    );
    await expect(b.anchor({ ...input, leaves: leaves.slice(1) })).rejects.toThrow(/^INVALID_ARGUMENT: leaves/);
    await expect(b.anchor({ ...input, leaves: ['xx', ...leaves.slice(1)] })).rejects.toThrow(/leaves\[0\]/);
  });
});

describe('access:ReadDecision', () => {
  it('answers each stored ruling, allowed or refused, and refuses an unknown request id', async () => {
    const b = await bench();
    const refused = await b.decide({ purpose: 'RESEARCH' });
    const glass = await b.decide({
      grantId: null,
      purpose: 'EMERGENCY',
      breakGlassReason: 'arrest in the waiting room',
    });
    for (const ruling of [refused, glass]) {
      const read = await b.run('InsurerMSP', (ctx) => b.access.ReadDecision(ctx, String(ruling.requestId)));
      expect(JSON.parse(read)).toEqual(ruling);
    }
    await expect(b.run('InsurerMSP', (ctx) => b.access.ReadDecision(ctx, uuid(99)))).rejects.toThrow(
      /^ACCESS_DECISION_NOT_FOUND: /,
    );
    await expect(b.run('InsurerMSP', (ctx) => b.access.ReadDecision(ctx, 'nope'))).rejects.toThrow(
      /^INVALID_ARGUMENT: requestId/,
    );
    await expect(b.run('InsurerMSP', (ctx) => b.access.ReadAnchor(ctx, 'none'))).rejects.toThrow(
      /^ACCESS_ANCHOR_NOT_FOUND: /,
    );
  });

  it('refuses a retracted record and a grant to another doctor', async () => {
    const b = await bench();
    expect(await b.decide({ userId: 'h2.other' })).toMatchObject({ allowed: false, reason: 'GRANTEE_MISMATCH' });
    const retract = JSON.stringify({ recordId: 'R1', reason: 'entered for the wrong patient' });
    await b.run('Hospital1MSP', (ctx) => b.records.RetractRecord(ctx, retract));
    expect(await b.decide()).toMatchObject({ allowed: false, basis: 'NONE', reason: 'RECORD_RETRACTED' });
  });
});

describe('stored rulings', () => {
  it('are checked when read back', () => {
    const stored = {
      requestId: uuid(1),
      recordId: 'R1',
      residentId: RESIDENT_A,
      recordType: 'LAB_REPORT',
      sourceOrg: 'Hospital1MSP',
      digest: 'd1'.repeat(32),
      mspId: 'Hospital2MSP',
      userId: 'h2.doctor',
      purpose: 'TREATMENT',
      requestedFields: ['diagnosis'],
      grantId: 'g-0001',
      breakGlass: false,
      breakGlassReason: null,
      basis: 'GRANT',
      allowed: true,
      fields: ['diagnosis'],
      withheldFields: [],
      reason: null,
      txId: 'tx',
      timestamp: '2026-01-05T09:00:00.000Z',
    };
    expect(parseStoredRuling(stored)).toEqual(stored);
    expect(() => parseStoredRuling({ ...stored, fields: 'diagnosis' })).toThrow(/fields must be an array/);
    expect(() => parseStoredRuling({ ...stored, allowed: 'yes' })).toThrow(/allowed must be a boolean/);
    expect(() => parseStoredRuling({ ...stored, reason: 'BORED' })).toThrow(/reason must be one of/);
  });
});
