/**
 * Signing in and out. The token lives in sessionStorage, one per page (a clerk and an officer
 * may use two pages in one browser), and is dropped when it expires or the API refuses it.
 */
import type { Role } from '@hdt/vocabulary';
import { Api, ApiError, defaultBase } from './api.js';
import { byId, valueOf } from './dom.js';
import { onLangChange, pick, t } from './i18n.js';
import { ROLE_LABELS } from './labels.js';
import { orgName } from './names.js';
import { onSubmit, show } from './page.js';
import { parseSession, type Session } from './parse.js';

export interface SessionHandle {
  /** The API with the signed-in user's token. */
  api(): Api;
  current(): Session | undefined;
}

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function load(key: string): Session | undefined {
  const text = storage()?.getItem(key);
  if (text === null || text === undefined) return undefined;
  try {
    const session = parseSession(JSON.parse(text));
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

function showSignedIn(session: Session | undefined, role: Role): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-signed-in]')) el.hidden = session === undefined;
  for (const el of document.querySelectorAll<HTMLElement>('[data-signed-out]')) el.hidden = session !== undefined;
  const name = byId('user-name', HTMLElement);
  if (session === undefined) {
    name.textContent = '';
    return;
  }
  const { user } = session;
  name.textContent = t('login.as', { name: user.displayName, msp: user.mspId });
  name.title = `${orgName(user.mspId)} · ${pick(ROLE_LABELS[user.role])}`;
  const note = byId('role-note', HTMLElement);
  note.hidden = user.role === role || (role === 'supervisor' && user.role === 'admin');
  note.textContent = t('login.wrongRole', { role: pick(ROLE_LABELS[role]) });
}

/**
 * Wires the sign-in form and the user bar of a page; `changed` runs after signing in or out,
 * and once at the start (with a session kept from before the page was reloaded, if any).
 */
export function startSession(page: string, role: Role, changed: (session: Session | undefined) => void): SessionHandle {
  const key = `hdt.session.${page}`;
  const base = new Api(defaultBase());
  let session = load(key);

  const set = (next: Session | undefined): void => {
    session = next;
    if (next === undefined) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(next));
    showSignedIn(next, role);
    changed(next);
  };
  base.onUnauthenticated = () => set(undefined);

  onSubmit('login-form', async () => {
    try {
      const next = await base.login(valueOf('login-username'), byId('login-password', HTMLInputElement).value);
      byId('login-password', HTMLInputElement).value = '';
      show(undefined);
      set(next);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
        show({ kind: 'error', text: () => t('login.failed'), code: err.code });
        return;
      }
      throw err;
    }
  });
  byId('logout', HTMLButtonElement).addEventListener('click', () => {
    show(undefined);
    set(undefined);
  });
  onLangChange(() => showSignedIn(session, role));
  showSignedIn(session, role);
  // After the caller has its handle: `changed` may use it.
  queueMicrotask(() => changed(session));

  return {
    api: () => (session === undefined ? base : base.withToken(session.token)),
    current: () => session,
  };
}
