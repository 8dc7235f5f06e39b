import { DEFAULT_POLICY_PREFERENCES, canonicalJson } from '@hdt/vocabulary';
import type { Context } from 'fabric-contract-api';
import { ConsentBench, KEY_A, KEY_MALLORY, RESIDENT_A, RESIDENT_B, sign } from '../../test/consent';
import { recordEntry } from '../../test/records';
import { AccessContract } from './access-contract';
import { RecordsContract } from './records-contract';

type Json = Record<string, unknown>;

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const GLASS = { grantId: null, purpose: 'EMERGENCY', breakGlassReason: 'unconscious patient in resus' };

/** The defaults with `sourceOrg` and `breakGlass` members replaced. */
function preferences(sourceOrg: Json = {}, breakGlass: Json = {}): Json {
  return {
    sourceOrg: { ...DEFAULT_POLICY_PREFERENCES.sourceOrg, ...sourceOrg },
    breakGlass: { ...DEFAULT_POLICY_PREFERENCES.breakGlass, ...breakGlass },
  };
}

class PolicyBench extends ConsentBench {
  readonly access = new AccessContract();
  readonly records = new RecordsContract();
  private requests = 0;

  run(mspId: string, call: (ctx: Context) => Promise<string>): Promise<string> {
    this.now += 1;
    return this.ledger.invoke(mspId, call, { seconds: this.now, nanos: 0 });
  }

  async index(recordId: string, type: string, mspId = 'Hospital1MSP'): Promise<void> {
    const input = JSON.stringify({ records: [{ ...recordEntry(recordId), patientId: RESIDENT_A, type }] });
    await this.run(mspId, (ctx) => this.records.RegisterBatch(ctx, input));
  }

  /** A read of `recordId` by Hospital1's doctor under a general policy. */
  async decide(recordId: string, overrides: Json = {}, mspId = 'Hospital1MSP'): Promise<Json> {
    this.requests += 1;
    const input = {
      requestId: uuid(this.requests),
      recordId,
      userId: 'h1.doctor',
      purpose: 'TREATMENT',
      fields: ['diagnosis', 'address'],
      grantId: null,
      breakGlassReason: null,
      ...overrides,
    };
    return JSON.parse(await this.run(mspId, (ctx) => this.access.Decide(ctx, JSON.stringify(input)))) as Json;
  }

  policyPayload(prefs: Json, version = 0, residentId = RESIDENT_A): Json {
    return this.header('consent.policies', residentId, { keyVersion: 1, version, preferences: prefs });
  }

  setPolicies(input: Json): Promise<string> {
    const text = JSON.stringify(input);
    return this.invoke('HealthCommMSP', (ctx, c) => c.SetPolicyPreferences(ctx, text));
  }

  async narrow(prefs: Json, version = 0): Promise<Json> {
    const payload = this.policyPayload(prefs, version);
    return JSON.parse(await this.setPolicies({ payload, signature: sign(payload, KEY_A) })) as Json;
  }

  async read(residentId = RESIDENT_A): Promise<Json> {
    return JSON.parse(await this.invoke('Hospital2MSP', (ctx, c) => c.ReadPolicyPreferences(ctx, residentId))) as Json;
  }
}

async function bench(): Promise<PolicyBench> {
  const b = new PolicyBench();
  await b.register();
  await b.index('LAB-1', 'LAB_REPORT');
  await b.index('IMG-1', 'IMAGING_REPORT');
  return b;
}

describe('consent:SetPolicyPreferences', () => {
  it('reads the defaults at version 0 until the resident signs, then the signed document with its history', async () => {
    const b = await bench();
    expect(await b.read()).toEqual({
      residentId: RESIDENT_A,
      preferences: DEFAULT_POLICY_PREFERENCES,
      version: 0,
      updatedAt: null,
      lastOperation: null,
    });
    const prefs = preferences({ excludedRecordTypes: ['IMAGING_REPORT'] });
    const stored = await b.narrow(prefs);
    expect(stored).toMatchObject({ residentId: RESIDENT_A, preferences: prefs, version: 1 });
    expect(stored['lastOperation']).toMatchObject({ mspId: 'HealthCommMSP', keyVersion: 1 });
    expect(await b.read()).toEqual(stored);
    expect(b.stored('policy-preferences', RESIDENT_A)).toBe(canonicalJson(stored));
    expect(b.ledger.events.at(-1)?.name).toBe('PolicyPreferencesSet');
    const history = await b.invoke('InsurerMSP', (ctx, c) => c.PolicyPreferencesHistory(ctx, RESIDENT_A));
    expect(JSON.parse(history)).toHaveLength(1);
  });

  it('refuses a forged signature, another key, a replayed nonce and a stale version', async () => {
    const b = await bench();
    const payload = b.policyPayload(preferences({ excludedOrgs: ['Hospital1MSP'] }));
    const forged = `30440220${'5a'.repeat(32)}0220${'3c'.repeat(32)}`;
    await expect(b.setPolicies({ payload, signature: forged })).rejects.toThrow(/^SIGNATURE_INVALID: /);
    await expect(b.setPolicies({ payload, signature: sign(payload, KEY_MALLORY) })).rejects.toThrow(
      /^SIGNATURE_INVALID: /,
    );
    const signed = { payload, signature: sign(payload, KEY_A) };
    await b.setPolicies(signed);
    await expect(b.setPolicies(signed)).rejects.toThrow(/^NONCE_REUSED: /);
    await expect(b.narrow(preferences(), 0)).rejects.toThrow(/^POLICY_VERSION_CONFLICT: /);
    expect(await b.read()).toMatchObject({
      version: 1,
      preferences: { sourceOrg: { excludedOrgs: ['Hospital1MSP'] } },
    });
    const other = b.policyPayload(preferences(), 0, RESIDENT_B);
    await expect(b.setPolicies({ payload: other, signature: sign(other, KEY_A) })).rejects.toThrow(
      /^RESIDENT_KEY_UNKNOWN: /,
    );
  });

  it('cannot widen: no member adds a reader, and break-glass keeps its floor', async () => {
    const b = await bench();
    const attempts: [Json, RegExp][] = [
      [{ ...preferences(), extraReaders: ['InsurerMSP'] }, /payload\.preferences/],
      [preferences({ includedOrgs: ['Hospital2MSP'] }), /payload\.preferences\.sourceOrg/],
      [preferences({}, { purposes: ['RESEARCH'] }), /payload\.preferences\.breakGlass/],
      [preferences({ excludedOrgs: ['InsurerMSP'] }), /payload\.preferences\.sourceOrg\.excludedOrgs\[0\]/],
      [preferences({}, { recordTypes: ['IMAGING_REPORT'] }), /payload\.preferences\.breakGlass\.recordTypes/],
      [preferences({}, { fields: ['address'] }), /payload\.preferences\.breakGlass\.fields/],
      [preferences({}, { recordTypes: ['RESEARCH_DATASET'] }), /recordTypes\[0\]/],
    ];
    for (const [prefs, field] of attempts) {
      await expect(b.narrow(prefs)).rejects.toThrow(/^INVALID_ARGUMENT: /);
      await expect(b.narrow(prefs)).rejects.toThrow(field);
    }
    expect(await b.read()).toMatchObject({ version: 0 });
  });
});

describe('access:Decide under narrowed general policies', () => {
  it('refuses the source hospital a narrowed record type with POLICY_NARROWED, records it, allows other types', async () => {
    const b = await bench();
    expect(await b.decide('LAB-1')).toMatchObject({ allowed: true, basis: 'SOURCE_ORG' });
    await b.narrow(preferences({ excludedRecordTypes: ['LAB_REPORT'] }));
    const refused = await b.decide('LAB-1');
    expect(refused).toMatchObject({ allowed: false, basis: 'SOURCE_ORG', reason: 'POLICY_NARROWED', fields: [] });
    expect(JSON.parse(b.stored('access-decision', String(refused['requestId'])))).toEqual(refused);
    expect(await b.decide('IMG-1')).toMatchObject({ allowed: true, basis: 'SOURCE_ORG' });
    const checked = JSON.parse(
      await b.run('Hospital1MSP', (ctx) =>
        b.access.Check(
          ctx,
          JSON.stringify({
            requestId: uuid(90),
            recordId: 'LAB-1',
            userId: 'h1.doctor',
            purpose: 'TREATMENT',
            fields: ['diagnosis'],
            grantId: null,
            breakGlassReason: null,
          }),
        ),
      ),
    ) as Json;
    expect(checked).toMatchObject({ commitRequired: false, ruling: { allowed: false, reason: 'POLICY_NARROWED' } });
  });

  it('refuses an excluded hospital and reads after the end date; a grant is not narrowed', async () => {
    const b = await bench();
    await b.narrow(preferences({ excludedOrgs: ['Hospital1MSP'] }));
    expect(await b.decide('IMG-1')).toMatchObject({ allowed: false, reason: 'POLICY_NARROWED' });
    await b.narrow(preferences({ notAfter: b.signedAt(2) }), 1);
    expect(await b.decide('IMG-1')).toMatchObject({ allowed: true });
    expect(await b.decide('IMG-1')).toMatchObject({ allowed: false, reason: 'POLICY_NARROWED' });
    await b.grant();
    const byGrant = await b.decide('LAB-1', { userId: 'h2.doctor', grantId: 'g-0001' }, 'Hospital2MSP');
    expect(byGrant).toMatchObject({ allowed: true, basis: 'GRANT' });
  });

  it('narrows break-glass to the listed types and fields, never below the floor', async () => {
    const b = await bench();
    const glass = { ...GLASS, userId: 'h2.emergency' };
    expect(await b.decide('IMG-1', glass, 'Hospital2MSP')).toMatchObject({ allowed: true, withheldFields: [] });
    await b.narrow(
      preferences(
        {},
        {
          recordTypes: ['ENCOUNTER', 'LAB_REPORT', 'DISCHARGE_SUMMARY', 'PRESCRIPTION'],
          fields: ['allergies', 'diagnosis', 'medications'],
        },
      ),
    );
    const imaging = await b.decide('IMG-1', glass, 'Hospital2MSP');
    expect(imaging).toMatchObject({
      allowed: false,
      basis: 'BREAK_GLASS',
      breakGlass: true,
      reason: 'POLICY_NARROWED',
    });
    const lab = await b.decide('LAB-1', glass, 'Hospital2MSP');
    expect(lab).toMatchObject({ allowed: true, fields: ['diagnosis'], withheldFields: ['address'] });
    const address = await b.decide('LAB-1', { ...glass, fields: ['address'] }, 'Hospital2MSP');
    expect(address).toMatchObject({ allowed: false, reason: 'POLICY_NARROWED' });
  });
});
