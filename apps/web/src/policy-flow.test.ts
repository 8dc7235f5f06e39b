import { canonicalJson, DEFAULT_POLICY_PREFERENCES } from '@hdt/vocabulary';
import type { SignedBody } from './api';
import { toHex } from './key-vault';
import { InputError } from './messages';
import { type PolicyApi, setPolicies } from './policy-flow';
import type { PoliciesView } from './policy-parse';
import { newKeyPair, type Prepared, verifyMessage } from './signing';

const header = { v: 1, residentId: 'a'.repeat(64), nonce: 'b'.repeat(32), signedAt: '2026-11-30T01:00:00.000Z' };
const SAVED: PoliciesView = { preferences: DEFAULT_POLICY_PREFERENCES, version: 1, updatedAt: header.signedAt };

function fakeApi(alter: (payload: Record<string, unknown>) => Record<string, unknown> = (p) => p) {
  const sent: SignedBody[] = [];
  const api: PolicyApi = {
    signingPayload: (request): Promise<Prepared> => {
      const payload = alter({ ...header, keyVersion: 1, version: 0, ...request });
      const message = canonicalJson(payload);
      return Promise.resolve({ payload, message, messageHex: toHex(new TextEncoder().encode(message)) });
    },
    setPolicies: (body) => (sent.push(body), Promise.resolve(SAVED)),
  };
  return { api, sent };
}

describe('signing policy preferences', () => {
  test('signs exactly the prepared bytes of the preferences asked for', async () => {
    const { api, sent } = fakeApi();
    const key = newKeyPair();
    expect(await setPolicies(api, DEFAULT_POLICY_PREFERENCES, key)).toBe(SAVED);
    const body = sent[0];
    expect(body?.payload).toMatchObject({ op: 'consent.policies', preferences: DEFAULT_POLICY_PREFERENCES });
    expect(verifyMessage(canonicalJson(body?.payload ?? {}), body?.signature ?? '', key.publicKey)).toBe(true);
  });

  test('refuses to sign preferences the gateway changed', async () => {
    const widened = { ...DEFAULT_POLICY_PREFERENCES, sourceOrg: { excludedRecordTypes: [], excludedOrgs: [] } };
    const { api, sent } = fakeApi((payload) => ({ ...payload, preferences: widened }));
    await expect(setPolicies(api, DEFAULT_POLICY_PREFERENCES, newKeyPair())).rejects.toBeInstanceOf(InputError);
    expect(sent).toHaveLength(0);
  });
});
