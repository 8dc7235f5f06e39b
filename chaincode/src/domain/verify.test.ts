import { CHECK_CODE_HASH, DATA_DIGEST, PDF_DIGEST, issueInput, sm3 } from '../../test/fixtures';
import { buildIssuedInvoice, parseIssueInput } from './invoice';
import { verdictOn } from '@hdt/vocabulary';
import { parseVerificationRequest } from './verify';

const invoice = buildIssuedInvoice(parseIssueInput(issueInput()), 'Qingpu District Central Hospital', {
  mspId: 'Hospital1MSP',
  timestamp: '2026-01-05T08:30:00.123Z',
  txId: 'tx-1',
});
const OTHER = sm3('something else');

describe('parseVerificationRequest', () => {
  it('treats empty digests as not supplied', () => {
    expect(parseVerificationRequest(CHECK_CODE_HASH, '', '')).toEqual({ checkCodeHash: CHECK_CODE_HASH });
    expect(parseVerificationRequest(CHECK_CODE_HASH, PDF_DIGEST, '')).toEqual({
      checkCodeHash: CHECK_CODE_HASH,
      pdfDigest: PDF_DIGEST,
    });
    expect(parseVerificationRequest(CHECK_CODE_HASH, '', DATA_DIGEST)).toEqual({
      checkCodeHash: CHECK_CODE_HASH,
      dataDigest: DATA_DIGEST,
    });
  });

  it('names the malformed argument', () => {
    expect(() => parseVerificationRequest('', '', '')).toThrow(
      'INVALID_ARGUMENT: checkCodeHash must be 64 lowercase hexadecimal characters',
    );
    expect(() => parseVerificationRequest(CHECK_CODE_HASH, 'abc', '')).toThrow(
      'INVALID_ARGUMENT: pdfDigest must be empty or 64 lowercase hexadecimal characters',
    );
    expect(() => parseVerificationRequest(CHECK_CODE_HASH, '', DATA_DIGEST.toUpperCase())).toThrow(
      'INVALID_ARGUMENT: dataDigest must be empty or 64 lowercase hexadecimal characters',
    );
    expect(() => parseVerificationRequest(CHECK_CODE_HASH, undefined, '')).toThrow(
      'INVALID_ARGUMENT: pdfDigest must be a string',
    );
  });
});

describe('verdictOn over a parsed request', () => {
  const verify = (checkCodeHash: string, pdfDigest = '', dataDigest = '') =>
    verdictOn(invoice, parseVerificationRequest(checkCodeHash, pdfDigest, dataDigest));

  it('is authentic when the check code matches and no digest is supplied', () => {
    expect(verify(CHECK_CODE_HASH)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
  });

  it('is authentic when every supplied digest matches', () => {
    expect(verify(CHECK_CODE_HASH, PDF_DIGEST, DATA_DIGEST)).toEqual({
      result: 'authentic',
      status: 'ISSUED',
      mismatches: [],
    });
    expect(verify(CHECK_CODE_HASH, PDF_DIGEST)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
    expect(verify(CHECK_CODE_HASH, '', DATA_DIGEST)).toEqual({ result: 'authentic', status: 'ISSUED', mismatches: [] });
  });

  it('is tampered when the PDF differs', () => {
    expect(verify(CHECK_CODE_HASH, OTHER, DATA_DIGEST)).toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['pdfDigest'],
    });
  });

  it('is tampered when the structured data differs', () => {
    expect(verify(CHECK_CODE_HASH, '', OTHER)).toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['dataDigest'],
    });
  });

  it('lists both mismatches in a fixed order', () => {
    expect(verify(CHECK_CODE_HASH, OTHER, OTHER)).toEqual({
      result: 'tampered',
      status: 'ISSUED',
      mismatches: ['pdfDigest', 'dataDigest'],
    });
  });

  it('is unknown when the invoice does not exist', () => {
    const result = verdictOn(undefined, parseVerificationRequest(CHECK_CODE_HASH, PDF_DIGEST, DATA_DIGEST));
    expect(result).toEqual({ result: 'unknown', mismatches: [] });
    expect('status' in result).toBe(false);
  });

  it('is unknown, revealing nothing, when the check code does not match', () => {
    const result = verify(OTHER, OTHER, OTHER);
    expect(result).toEqual({ result: 'unknown', mismatches: [] });
    expect('status' in result).toBe(false);
  });
});
