import { canonicalJson, type GrantTerms } from '@hdt/vocabulary';
import { shallowRef } from 'vue';
import type { Api, SignedBody } from '../../api';
import type { GrantView } from '../../consent-parse';
import { type KeyPair, toHex } from '../../key-vault';
import { InputError } from '../../messages';
import type { ResidentKeyStore } from '../../resident-key';
import type { SessionStore } from '../../session';
import { newKeyPair, verifyMessage } from '../../signing';
import { createGrantList } from './grant-list';
import { type GrantPageProps, signGrant } from './sign-grant';

const terms = { grantId: 'g-1', grantee: { mspId: 'Hospital1MSP', doctorId: null } } as unknown as GrantTerms;

/** A page whose gateway prepares the payload as asked and answers a grant with its id. */
function page(key: KeyPair | undefined): { page: GrantPageProps; sent: SignedBody[] } {
  const sent: SignedBody[] = [];
  const api = {
    signingPayload: async (request: Record<string, unknown>) => {
      const payload = { residentId: 'a'.repeat(64), ...request };
      const message = canonicalJson(payload);
      return { payload, message, messageHex: toHex(new TextEncoder().encode(message)) };
    },
    grant: async (body: SignedBody) => {
      sent.push(body);
      return { grantId: 'g-1', status: 'ACTIVE' } as GrantView;
    },
  } as unknown as Api;
  const keys = { unlocked: shallowRef(key) } as unknown as ResidentKeyStore;
  const session = { api: () => api } as unknown as SessionStore;
  return { page: { keys, grants: createGrantList(() => api), session }, sent };
}

describe('signing a new grant', () => {
  test('the terms are signed with the unlocked key and the grant joins the list', async () => {
    const key = newKeyPair();
    const { page: given, sent } = page(key);
    const granted = await signGrant(given, terms);
    expect(granted.grantId).toBe('g-1');
    expect(given.grants.grants.value).toEqual([granted]);
    expect(sent[0]!.payload['grant']).toEqual(terms);
    expect(verifyMessage(canonicalJson(sent[0]!.payload), sent[0]!.signature, key.publicKey)).toBe(true);
  });

  test('with the key locked, nothing is sent and the page asks for the passphrase', async () => {
    const { page: given, sent } = page(undefined);
    await expect(signGrant(given, terms)).rejects.toThrow(InputError);
    expect(sent).toEqual([]);
    expect(given.grants.grants.value).toEqual([]);
  });
});
