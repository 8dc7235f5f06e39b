/**
 * Verification (查验): given code, number, the check-code hash and optionally the
 * digests of the PDF and of the structured data, say whether the invoice is
 * authentic, tampered with, or unknown.
 */
import {
  HEX64,
  VERIFIABLE_DIGESTS,
  type Invoice,
  type VerifiableDigest,
  type VerificationResult,
} from '@hdt/vocabulary';
import { expectHex64, expectString } from './fields';
import { invalidArgument } from './errors';

export type { VerifiableDigest, VerificationResult, VerificationResultKind } from '@hdt/vocabulary';

export interface VerificationRequest {
  readonly checkCodeHash: string;
  /** Absent when the verifier has no PDF. */
  readonly pdfDigest?: string;
  /** Absent when the verifier has no structured data. */
  readonly dataDigest?: string;
}

/** An optional digest argument: "" means not supplied. */
function parseOptionalDigest(value: unknown, path: VerifiableDigest): string | undefined {
  const text = expectString(value, path);
  if (text === '') {
    return undefined;
  }
  if (!HEX64.test(text)) {
    throw invalidArgument(path, 'must be empty or 64 lowercase hexadecimal characters');
  }
  return text;
}

export function parseVerificationRequest(
  checkCodeHash: unknown,
  pdfDigest: unknown,
  dataDigest: unknown,
): VerificationRequest {
  const request: { checkCodeHash: string; pdfDigest?: string; dataDigest?: string } = {
    checkCodeHash: expectHex64(checkCodeHash, 'checkCodeHash'),
  };
  const pdf = parseOptionalDigest(pdfDigest, 'pdfDigest');
  const data = parseOptionalDigest(dataDigest, 'dataDigest');
  if (pdf !== undefined) {
    request.pdfDigest = pdf;
  }
  if (data !== undefined) {
    request.dataDigest = data;
  }
  return request;
}

/**
 * - unknown: no such invoice, or the check code does not match (existence is not revealed);
 * - tampered: the check code matches and a supplied digest differs (listed in `mismatches`);
 * - authentic: otherwise.
 */
export function verifyInvoice(invoice: Invoice | undefined, request: VerificationRequest): VerificationResult {
  if (invoice === undefined || invoice.checkCodeHash !== request.checkCodeHash) {
    return { result: 'unknown', mismatches: [] };
  }
  const mismatches = VERIFIABLE_DIGESTS.filter((digest) => {
    const supplied = request[digest];
    return supplied !== undefined && supplied !== invoice[digest];
  });
  return {
    result: mismatches.length > 0 ? 'tampered' : 'authentic',
    status: invoice.status,
    mismatches,
  };
}
