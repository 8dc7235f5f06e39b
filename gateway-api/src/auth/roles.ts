/** Organisations of the consortium (Fabric MSP ids). */
export const MSP_IDS = ['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP'] as const;
export type MspId = (typeof MSP_IDS)[number];

/** Organisations allowed to issue invoices. */
export const HOSPITAL_MSPS: readonly MspId[] = ['Hospital1MSP', 'Hospital2MSP'];

export const ROLES = ['billing_clerk', 'reimbursement_officer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated user of the API. */
export interface User {
  username: string;
  displayName: string;
  mspId: MspId;
  role: Role;
  /** Issuing unit (hospital name) of billing clerks, used when an invoice names none. */
  unit?: string | undefined;
}

export function isHospitalOrg(mspId: string): boolean {
  return (HOSPITAL_MSPS as readonly string[]).includes(mspId);
}

/** Only billing clerks of a hospital org issue invoices. */
export function canIssueInvoices(user: User): boolean {
  return user.role === 'billing_clerk' && isHospitalOrg(user.mspId);
}
