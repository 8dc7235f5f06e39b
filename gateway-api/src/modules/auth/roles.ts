import { mayIssueInvoices, type MspId, type Role } from '@hdt/vocabulary';

/** An authenticated user of the API. */
export interface User {
  username: string;
  displayName: string;
  mspId: MspId;
  role: Role;
  /** Issuing unit (hospital name) of billing clerks, used when an invoice names none. */
  unit?: string | undefined;
}

/** Only billing clerks of a hospital org issue invoices. */
export function canIssueInvoices(user: User): boolean {
  return user.role === 'billing_clerk' && mayIssueInvoices(user.mspId);
}
