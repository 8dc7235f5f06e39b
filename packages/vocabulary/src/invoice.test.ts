import { verdictOn } from './invoice';

const HASH = 'a'.repeat(64);
const PDF = 'b'.repeat(64);
const DATA = 'c'.repeat(64);
const stored = { checkCodeHash: HASH, pdfDigest: PDF, dataDigest: DATA, status: 'LOCKED' as const };

describe('verdictOn', () => {
  it('answers unknown, without the status, for no invoice or another check-code hash', () => {
    expect(verdictOn(undefined, { checkCodeHash: HASH })).toEqual({ result: 'unknown', mismatches: [] });
    expect(verdictOn(stored, { checkCodeHash: 'd'.repeat(64), pdfDigest: PDF })).toEqual({
      result: 'unknown',
      mismatches: [],
    });
  });

  it('answers authentic with the status when every supplied digest matches, or none is supplied', () => {
    const authentic = { result: 'authentic', status: 'LOCKED', mismatches: [] };
    expect(verdictOn(stored, { checkCodeHash: HASH })).toEqual(authentic);
    expect(verdictOn(stored, { checkCodeHash: HASH, pdfDigest: PDF, dataDigest: DATA })).toEqual(authentic);
  });

  it('answers tampered, naming each supplied digest that differs', () => {
    const other = 'e'.repeat(64);
    expect(verdictOn(stored, { checkCodeHash: HASH, pdfDigest: other, dataDigest: DATA })).toEqual({
      result: 'tampered',
      status: 'LOCKED',
      mismatches: ['pdfDigest'],
    });
    expect(verdictOn(stored, { checkCodeHash: HASH, pdfDigest: other, dataDigest: other }).mismatches).toEqual([
      'pdfDigest',
      'dataDigest',
    ]);
  });
});
