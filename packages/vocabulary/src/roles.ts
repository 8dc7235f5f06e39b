/**
 * Roles of the platform's users; each user belongs to one organisation and has one role.
 * `resident`: a member of the public, bound to a pseudonymous resident id, who signs consent with
 * an SM2 key of their own (the platform centre's gateway submits for them); `doctor`: a clinician
 * of a hospital, in a department, who may be named as a grantee.
 */
export const ROLES = ['billing_clerk', 'reimbursement_officer', 'supervisor', 'admin', 'resident', 'doctor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The department whose doctors may later open records without a grant (break-glass). */
export const EMERGENCY_DEPARTMENT = 'Emergency';
