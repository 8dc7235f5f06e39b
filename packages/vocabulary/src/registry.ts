/**
 * The org registry on the ledger: the health commission (finance and health authority) records
 * each hospital's official unit name and allocates it invoice code ranges. A hospital issues only
 * under codes allocated to it, and its invoices carry the registered name.
 */

/** An inclusive range of 8-digit invoice codes. */
export interface CodeRange {
  readonly first: string;
  readonly last: string;
}

export interface OrgProfile {
  readonly mspId: string;
  readonly unitName: string;
  readonly codeRanges: readonly CodeRange[];
  readonly updatedAt: string;
  readonly lastTxId: string;
}

export interface SetOrgProfileInput {
  readonly mspId: string;
  readonly unitName: string;
}

export interface AllocateCodesInput {
  readonly mspId: string;
  readonly range: CodeRange;
}

/** Orgs whose members may change the registry. */
export const REGISTRY_AUTHORITY_KIND = 'health-commission';

export const REGISTRY_EVENTS = {
  PROFILE: 'OrgProfileSet',
  ALLOCATION: 'CodesAllocated',
} as const;

export function codeInRange(code: string, range: CodeRange): boolean {
  return code >= range.first && code <= range.last;
}

export function rangesOverlap(a: CodeRange, b: CodeRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}
