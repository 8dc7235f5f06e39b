/**
 * Telling a resident about an access to their records. The notifications module provides the real
 * one; until it is wired in, accesses are only logged (and every access is in the resident's list).
 */
export interface AccessEvent {
  readonly kind: 'BREAK_GLASS';
  readonly accessId: string;
  readonly recordId: string;
  readonly at: string;
  readonly institution: string;
  readonly username: string;
  readonly reason: string | null;
}

export interface AccessNotifier {
  notify(residentId: string, event: AccessEvent): Promise<void>;
}

export const noopNotifier: AccessNotifier = { notify: () => Promise.resolve() };
