/**
 * Signing the resident's narrowing of the general policies, as the grant flows sign: the gateway
 * prepares the payload, the device checks it says what was asked and signs its bytes.
 */
import type { PolicyPreferences } from '@hdt/vocabulary';
import type { Api } from './api.js';
import { t } from './i18n.js';
import type { KeyPair } from './key-vault.js';
import { InputError } from './messages.js';
import type { PoliciesView } from './policy-parse.js';
import { checkedMessage, PayloadMismatchError, signMessage } from './signing.js';

export type PolicyApi = Pick<Api, 'signingPayload' | 'setPolicies'>;

export async function setPolicies(api: PolicyApi, preferences: PolicyPreferences, key: KeyPair): Promise<PoliciesView> {
  const request = { op: 'consent.policies', preferences };
  const prepared = await api.signingPayload(request);
  let message: string;
  try {
    message = checkedMessage(request, prepared);
  } catch (err) {
    if (err instanceof PayloadMismatchError) throw new InputError(() => t('key.mismatch'));
    throw err;
  }
  return api.setPolicies({ payload: prepared.payload, signature: signMessage(message, key.privateKey) });
}
