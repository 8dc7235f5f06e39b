/** Signing a new grant, as the grant form and the on-site grant both do it. */
import type { GrantTerms } from '@hdt/vocabulary';
import { grant } from '../../consent-flow.js';
import type { GrantView } from '../../consent-parse.js';
import { type ResidentKeyStore, unlockedKey } from '../../resident-key.js';
import type { SessionStore } from '../../session.js';
import type { GrantList } from './grant-list.js';

/** What the resident's grant pages are given: the key, the grant list and the session. */
export interface GrantPageProps {
  keys: ResidentKeyStore;
  grants: GrantList;
  session: SessionStore;
}

/** Signs `terms` with the unlocked key, sends them, and shows the new grant in the list. */
export async function signGrant(page: GrantPageProps, terms: GrantTerms): Promise<GrantView> {
  const key = unlockedKey(page.keys);
  const granted = await grant(page.session.api(), terms, key);
  page.grants.put(granted);
  return granted;
}
