/** The grant that approves an access request, and whether a signed grant is exactly that one. Pure. */
import { canonicalJson, grantIdForRequest } from '@hdt/vocabulary';
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

/**
 * The first term of `signed` that differs from what `request` asked for, or undefined when it is exactly
 * that. Terms compare by their canonical JSON, the encoding the resident signs.
 */
export function grantMismatch(request: StoredAccessRequest, signed: GrantTerms): string | undefined {
  const wanted = termsForRequest(request);
  const terms = Object.keys(wanted) as (keyof GrantTerms)[];
  return terms.find((term) => canonicalJson(signed[term]) !== canonicalJson(wanted[term]));
}
