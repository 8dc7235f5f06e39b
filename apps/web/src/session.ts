/**
 * Signing in and out. The token lives in sessionStorage, one per page (a clerk and an officer
 * may use two pages in one browser), and is dropped when it expires or the API refuses it.
 */
import { type ShallowRef, shallowRef } from 'vue';
import { Api, defaultBase } from './api.js';
import { parseSession, type Session } from './parse.js';

export interface SessionStore {
  readonly current: Readonly<ShallowRef<Session | undefined>>;
  /** The API with the signed-in user's token (without one when signed out). */
  api(): Api;
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
}

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** A session kept in `text`, unless it is unreadable or expired at `now`. */
export function restoreSession(text: string | null | undefined, now: number): Session | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    const session = parseSession(JSON.parse(text));
    return Date.parse(session.expiresAt) > now ? session : undefined;
  } catch {
    return undefined;
  }
}

export function createSession(page: string, base: Api = new Api(defaultBase())): SessionStore {
  const key = `hdt.session.${page}`;
  const current = shallowRef(restoreSession(storage()?.getItem(key), Date.now()));
  const set = (next: Session | undefined): void => {
    current.value = next;
    if (next === undefined) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(next));
  };
  base.onUnauthenticated = () => set(undefined);
  return {
    current,
    api: () => (current.value === undefined ? base : base.withToken(current.value.token)),
    signIn: async (username, password) => set(await base.login(username, password)),
    signOut: () => set(undefined),
  };
}
