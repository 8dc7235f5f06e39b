import { parseAccessList, parseReadResult } from './access-parse';
import { ResponseShapeError } from './parse';

const entry = {
  accessId: '0b8f2c64-3d1e-4a5b-9c7d-1e2f3a4b5c6d',
  at: '2026-11-30T08:00:00.000Z',
  username: 'h2.doctor',
  displayName: 'Dr Wang',
  mspId: 'Hospital2MSP',
  institution: 'Hospital 2',
  recordId: 'LAB-1',
  purpose: 'TREATMENT',
  fields: ['diagnosis'],
  outcome: 'REFUSED',
  reason: 'GRANT_REVOKED',
  breakGlass: false,
  anchor: { anchorId: 'a-1', leafIndex: 0, root: 'ab'.repeat(32), txId: 'tx', anchoredAt: '2026-11-30T08:00:01.000Z' },
};

describe('access answers', () => {
  test('an access list keeps who, where, why and the outcome, and whether it is on chain', () => {
    const [first, second] = parseAccessList({
      accesses: [entry, { ...entry, outcome: 'ALLOWED', reason: null, anchor: null }],
    });
    expect(first).toMatchObject({
      displayName: 'Dr Wang',
      outcome: 'REFUSED',
      reason: 'GRANT_REVOKED',
      anchored: true,
    });
    expect(second).toMatchObject({ outcome: 'ALLOWED', reason: null, anchored: false });
  });

  test('an unknown outcome or reason is refused, naming the member', () => {
    expect(() => parseAccessList({ accesses: [{ ...entry, outcome: 'MAYBE' }] })).toThrow(ResponseShapeError);
    expect(() => parseAccessList({ accesses: [{ ...entry, reason: 'BECAUSE' }] })).toThrow(/accesses\[0\]\.reason/);
  });

  test('a read keeps the granted fields, what was withheld and the watermark', () => {
    const read = parseReadResult({
      accessId: entry.accessId,
      recordId: 'LAB-1',
      fields: { diagnosis: 'J18.9', vitals: { pulse: 80 } },
      withheldFields: ['address'],
      missingFields: [],
      watermark: 'Dr Wang · Hospital 2 · 2026-11-30T08:00:00Z',
    });
    expect(read).toMatchObject({ fields: { diagnosis: 'J18.9', vitals: { pulse: 80 } }, withheldFields: ['address'] });
    expect(() => parseReadResult({ ...read, fields: 'all' })).toThrow(/body\.fields/);
  });
});
