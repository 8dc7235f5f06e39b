/**
 * Telling a resident about an access to their records; the gateway passes it to the notifications
 * module (compose.ts). Every access is in the resident's list either way.
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
