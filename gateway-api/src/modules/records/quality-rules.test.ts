import { createHash } from 'node:crypto';
import {
  QUALITY_RULE_IDS,
  QUALITY_RULES,
  REQUIRED_FIELDS,
  candidateIds,
  checkEntry,
  screenBatch,
  type QualityRuleId,
  type SubmittedEntry,
} from './quality-rules';

const NOW = new Date('2026-11-30T08:00:00.000Z');
const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');

function good(overrides: Partial<SubmittedEntry> = {}): SubmittedEntry {
  return {
    recordId: 'R-1',
    patientId: sm3Hex('patient'),
    encounterId: 'ENC-1',
    type: 'LAB_REPORT',
    recordedAt: '2026-11-29T10:00:00.000Z',
    digest: sm3Hex('copy'),
    classification: 3,
    pointer: 'his://hospital1/R-1',
    diagnosisCodes: ['J18.900', 'I10.x00'],
    ...overrides,
  };
}

const rules = (entry: SubmittedEntry) => checkEntry(entry, NOW).map((v) => `${v.rule}:${v.field}`);

describe('the data-quality rule table', () => {
  it('gives every rule a dimension and a message, and ids in one list', () => {
    expect(QUALITY_RULE_IDS).toHaveLength(14);
    for (const id of QUALITY_RULE_IDS) {
      expect(QUALITY_RULES[id].message.length).toBeGreaterThan(5);
      expect(['completeness', 'validity', 'timeliness', 'uniqueness']).toContain(QUALITY_RULES[id].dimension);
    }
  });

  it('passes a good entry, with or without diagnosis codes', () => {
    expect(rules(good())).toEqual([]);
    expect(rules(good({ diagnosisCodes: undefined }))).toEqual([]);
    expect(rules(good({ pointer: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi' }))).toEqual([]);
  });

  it('REQUIRED_FIELD: each missing or empty field is named', () => {
    for (const field of REQUIRED_FIELDS) {
      expect(rules(good({ [field]: undefined }))).toEqual([`REQUIRED_FIELD:${field}`]);
    }
    expect(rules(good({ recordId: '' }))).toEqual(['REQUIRED_FIELD:recordId']);
  });

  const cases: [QualityRuleId, Partial<SubmittedEntry>, string][] = [
    ['ID_FORMAT', { recordId: 'has space' }, 'recordId'],
    ['ID_FORMAT', { encounterId: 'x'.repeat(65) }, 'encounterId'],
    ['PATIENT_ID_FORMAT', { patientId: 'AB'.repeat(32) }, 'patientId'],
    ['RECORD_TYPE_DOMAIN', { type: 'X_RAY' }, 'type'],
    ['DIGEST_FORMAT', { digest: 'abc' }, 'digest'],
    ['CLASSIFICATION_RANGE', { classification: 6 }, 'classification'],
    ['CLASSIFICATION_RANGE', { classification: 0 }, 'classification'],
    ['CLASSIFICATION_RANGE', { classification: 2.5 }, 'classification'],
    ['POINTER_FORMAT', { pointer: 'not a pointer' }, 'pointer'],
    ['POINTER_FORMAT', { pointer: `his:${'a'.repeat(256)}` }, 'pointer'],
    ['TIME_FORMAT', { recordedAt: '2026-11-29' }, 'recordedAt'],
    ['TIME_FORMAT', { recordedAt: '2026-02-30T10:00:00.000Z' }, 'recordedAt'],
    ['TIME_IN_FUTURE', { recordedAt: '2026-11-30T08:05:00.001Z' }, 'recordedAt'],
    ['TIME_TOO_OLD', { recordedAt: '1899-12-31T23:59:59.999Z' }, 'recordedAt'],
    ['DIAGNOSIS_CODE_FORMAT', { diagnosisCodes: ['J18.900', 'pneumonia'] }, 'diagnosisCodes[1]'],
    ['DIAGNOSIS_CODE_FORMAT', { diagnosisCodes: ['U07.1', 'j18'] }, 'diagnosisCodes[1]'],
    ['DIAGNOSIS_CODE_REPEATED', { diagnosisCodes: ['J18.900', 'J18.900'] }, 'diagnosisCodes[1]'],
  ];
  it.each(cases)('%s: %j is refused, naming %s', (rule, overrides, field) => {
    const found = checkEntry(good(overrides), NOW);
    expect(found.map((v) => `${v.rule}:${v.field}`)).toEqual([`${rule}:${field}`]);
    expect(found[0]?.message).toBe(`${field} ${QUALITY_RULES[rule].message}`);
  });

  it('keeps the boundaries: 5 minutes ahead and 1900-01-01 pass', () => {
    expect(rules(good({ recordedAt: '2026-11-30T08:05:00.000Z' }))).toEqual([]);
    expect(rules(good({ recordedAt: '1900-01-01T00:00:00.000Z' }))).toEqual([]);
    expect(rules(good({ classification: 1 }))).toEqual([]);
    expect(rules(good({ classification: 5 }))).toEqual([]);
  });

  it('reports every broken rule of an entry at once', () => {
    expect(rules({ recordId: 'bad id', classification: 9 })).toEqual([
      'REQUIRED_FIELD:patientId',
      'REQUIRED_FIELD:encounterId',
      'REQUIRED_FIELD:type',
      'REQUIRED_FIELD:recordedAt',
      'REQUIRED_FIELD:digest',
      'REQUIRED_FIELD:pointer',
      'ID_FORMAT:recordId',
      'CLASSIFICATION_RANGE:classification',
    ]);
  });
});

describe('screening a batch', () => {
  it('accepts good entries, rejects the others with their index; DUPLICATE_IN_BATCH and DUPLICATE_ON_LEDGER', () => {
    const batch = [
      good({ recordId: 'A' }),
      good({ recordId: 'B', digest: 'bad' }),
      good({ recordId: 'A' }),
      good({ recordId: 'ON-CHAIN' }),
      good({ recordId: 'C' }),
    ];
    const { accepted, rejected } = screenBatch(batch, new Set(['ON-CHAIN']), NOW);
    expect(accepted.map((a) => [a.index, a.input.recordId])).toEqual([
      [0, 'A'],
      [4, 'C'],
    ]);
    expect(rejected.map((r) => [r.index, r.violations.map((v) => v.rule)])).toEqual([
      [1, ['DIGEST_FORMAT']],
      [2, ['DUPLICATE_IN_BATCH']],
      [3, ['DUPLICATE_ON_LEDGER']],
    ]);
  });

  it('sends only the chain fields on chain and keeps the diagnosis codes beside them', () => {
    const [first] = screenBatch([good()], new Set(), NOW).accepted;
    expect(Object.keys(first?.input ?? {}).sort()).toEqual([...REQUIRED_FIELDS].sort());
    expect(first?.diagnosisCodes).toEqual(['J18.900', 'I10.x00']);
  });

  it('asks the ledger only about well-formed ids, each once', () => {
    expect(candidateIds([good({ recordId: 'A' }), good({ recordId: 'A' }), good({ recordId: 'b a d' }), {}])).toEqual([
      'A',
    ]);
  });
});
