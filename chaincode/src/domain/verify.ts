/**
 * Verification (查验): given code, number, the check-code hash and optionally the
 * digests of the PDF and of the structured data, say whether the invoice is
 * authentic, tampered with, or unknown.
 */
import { HEX64, type VerifiableDigest, type VerificationRequest } from '@hdt/vocabulary';
import { expectHex64, expectString } from './fields';
import { invalidArgument } from './errors';

export type {
  VerifiableDigest,
  VerificationRequest,
  VerificationResult,
  VerificationResultKind,
} from '@hdt/vocabulary';

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
