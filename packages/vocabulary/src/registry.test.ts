import { codeInRange, rangesOverlap } from './registry';
import { mayReimburse } from './orgs';

describe('code ranges', () => {
  it('contain their ends and nothing outside', () => {
    const range = { first: '31010100', last: '31010199' };
    expect(['31010100', '31010150', '31010199'].every((code) => codeInRange(code, range))).toBe(true);
    expect(['31010099', '31010200'].some((code) => codeInRange(code, range))).toBe(false);
  });

  it('overlap when they share a code', () => {
    const a = { first: '10000000', last: '10000009' };
    expect(rangesOverlap(a, { first: '10000009', last: '10000010' })).toBe(true);
    expect(rangesOverlap(a, { first: '09999999', last: '10000000' })).toBe(true);
    expect(rangesOverlap(a, { first: '10000010', last: '10000020' })).toBe(false);
  });
});

describe('payers', () => {
  it('are the medical-insurance bureau and commercial insurers', () => {
    expect(['MedInsMSP', 'InsurerMSP'].every(mayReimburse)).toBe(true);
    expect(['Hospital1MSP', 'HealthCommMSP', 'Nobody'].some(mayReimburse)).toBe(false);
  });
});
