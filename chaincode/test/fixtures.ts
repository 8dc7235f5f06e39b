/** Sample values for tests. */
import { createHash } from 'node:crypto';

export function sm3(text: string): string {
  return createHash('sm3').update(text, 'utf8').digest('hex');
}

export const CODE = '31010126';
export const NUMBER = '0000000001';
export const CHECK_CODE = 'A1B2C3';
export const CHECK_CODE_SALT = '00112233445566778899aabbccddeeff';
export const CHECK_CODE_ITERATIONS = 20_000;
/** The chaincode only compares this value; its derivation is the gateway's concern. */
export const CHECK_CODE_HASH = sm3(`${CODE}:${NUMBER}:${CHECK_CODE}`);
export const UNIT_NAME = 'Qingpu District Central Hospital';
export const PDF_DIGEST = sm3('%PDF-1.7 sample invoice');
export const DATA_DIGEST = sm3('{"items":[]}');
export const PAYER_PSEUDONYM = sm3('payer');
export const DATA_CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
export const PDF_CID = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';

/** A valid `Issue` input as a plain object; tests mutate copies of it. */
export function issueInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: CODE,
    number: NUMBER,
    checkCodeSalt: CHECK_CODE_SALT,
    checkCodeIterations: CHECK_CODE_ITERATIONS,
    checkCodeHash: CHECK_CODE_HASH,
    type: 'OUTPATIENT',
    totalAmount: 12_345,
    payment: { medicalInsuranceFund: 8_000, personalAccount: 2_000, otherFund: 345, selfPay: 2_000 },
    reimbursableAmount: 10_000,
    payerPseudonym: PAYER_PSEUDONYM,
    dataDigest: DATA_DIGEST,
    pdfDigest: PDF_DIGEST,
    dataCid: DATA_CID,
    pdfCid: PDF_CID,
    actor: 'h1.clerk',
    ...overrides,
  };
}

export function issueInputJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(issueInput(overrides));
}
