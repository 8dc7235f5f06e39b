import { mayIssueInvoices, mayManageResidentKeys, type MspId, type Role } from '@hdt/vocabulary';

/** An authenticated user of the API. */
export interface User {
  username: string;
  displayName: string;
  mspId: MspId;
  role: Role;
  /** The user's unit (hospital name), for display; an invoice's issuing unit is the name the org registry on the ledger holds. */
  unit?: string | undefined;
  /** A resident's pseudonymous id (role `resident` only). */
  residentId?: string | undefined;
  /** A doctor's department (role `doctor` only). */
  department?: string | undefined;
}

/** Only billing clerks of a hospital org issue invoices. */
export function canIssueInvoices(user: User): boolean {
  return user.role === 'billing_clerk' && mayIssueInvoices(user.mspId);
}

/**
 * Staff who recover a resident's lost key after checking the resident's identity in person:
 * billing clerks at a hospital's counter and the platform centre's administrators, of an
 * organisation that may manage residents' keys. Doctors are grantees of consent and do not.
 */
export const KEY_RECOVERY_ROLES: readonly Role[] = ['billing_clerk', 'admin'];

export function canRecoverResidentKeys(user: User): boolean {
  return KEY_RECOVERY_ROLES.includes(user.role) && mayManageResidentKeys(user.mspId);
}
