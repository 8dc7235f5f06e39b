/** Roles of the platform's users; each user belongs to one organisation and has one role. */
export const ROLES = ['billing_clerk', 'reimbursement_officer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
