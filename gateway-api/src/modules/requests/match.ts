/** The grant that approves an access request, and whether a signed grant is exactly that one. Pure. */
import { grantIdForRequest } from '@hdt/vocabulary';
import type { z } from 'zod';
import type { grantTermsSchema } from '../consent/schemas';
import type { StoredAccessRequest } from './store';

export type GrantTerms = z.output<typeof grantTermsSchema>;

/** The terms the resident signs to approve `request`: its grantee, purpose, scope and validity. */
export function termsForRequest(request: StoredAccessRequest): GrantTerms {
  return {
    grantId: grantIdForRequest(request.requestId),
    grantee: { mspId: request.doctor.mspId, doctorId: request.doctor.username },
    purpose: request.purpose,
    referralId: request.referralId,
    scope: request.scope,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    useLimit: request.useLimit,
  };
}

const FIELDS = [
  'grantId',
  'grantee',
  'purpose',
  'referralId',
  'scope',
  'notBefore',
  'notAfter',
  'useLimit',
] as const satisfies readonly (keyof GrantTerms)[];

/** Structural equality of JSON values: same keys, same values, arrays in the same order. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = Object.entries(a);
  const right = new Map(Object.entries(b));
  return left.length === right.size && left.every(([key, value]) => right.has(key) && same(value, right.get(key)));
}

/** The first field of `signed` that differs from what `request` asked for, or undefined when it is exactly that. */
export function grantMismatch(request: StoredAccessRequest, signed: GrantTerms): string | undefined {
  const wanted = termsForRequest(request);
  return FIELDS.find((field) => !same(signed[field], wanted[field]));
}
