import { findOrg, mayIssueInvoices, type MspId } from '@hdt/vocabulary';
import { ErrorCode, chaincodeError } from './errors';

/** Only hospital organisations issue invoices. Returns the issuer's MSP id. */
export function authoriseIssuer(mspId: string): MspId {
  const org = findOrg(mspId);
  if (org === undefined || !mayIssueInvoices(org.mspId)) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `organisation ${describe(mspId)} may not issue invoices; only hospital organisations may`,
    );
  }
  return org.mspId;
}

/** Reading and verifying invoices is open to every member of the consortium. */
export function authoriseMember(mspId: string): MspId {
  const org = findOrg(mspId);
  if (org === undefined) {
    throw chaincodeError(ErrorCode.FORBIDDEN, `organisation ${describe(mspId)} is not a member of the consortium`);
  }
  return org.mspId;
}

function describe(mspId: string): string {
  return mspId === '' ? '(none)' : JSON.stringify(mspId);
}
