/** The resident's grants as the page shows them: loaded on request, replaced one by one as they change. */
import { type ShallowRef, shallowRef } from 'vue';
import type { Api } from '../../api.js';
import type { GrantView } from '../../consent-parse.js';

export interface GrantList {
  readonly grants: Readonly<ShallowRef<readonly GrantView[]>>;
  refresh(): Promise<void>;
  /** Puts `grant` first, or in place of its older state. */
  put(grant: GrantView): void;
}

export function mergeGrant(grants: readonly GrantView[], grant: GrantView): GrantView[] {
  const at = grants.findIndex((g) => g.grantId === grant.grantId);
  return at < 0 ? [grant, ...grants] : grants.map((g, i) => (i === at ? grant : g));
}

export function createGrantList(api: () => Api): GrantList {
  const grants = shallowRef<readonly GrantView[]>([]);
  return {
    grants,
    refresh: async () => {
      grants.value = await api().myGrants();
    },
    put: (grant) => {
      grants.value = mergeGrant(grants.value, grant);
    },
  };
}
