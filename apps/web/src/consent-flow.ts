/**
 * The resident's signed operations: ask the gateway for the payload, check it says what was asked,
 * sign its bytes on the device, send payload and signature. The private key is used here only.
 */
import type { ConsentTerms, GrantTerms } from '@hdt/vocabulary';
import type { Api, SignedBody } from './api.js';
import type { GrantView, ResidentKey } from './consent-parse.js';
import type { AccessRequestView } from './requests-parse.js';
import type { KeyPair } from './key-vault.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';
import { checkedMessage, PayloadMismatchError, signMessage } from './signing.js';

/** The part of the API the operations use. */
export type ConsentApi = Pick<
  Api,
  'signingPayload' | 'registerKey' | 'rotateKey' | 'grant' | 'changeGrant' | 'revokeGrant' | 'approveRequest'
>;

type Request = Readonly<Record<string, unknown>>;

async function prepare(api: ConsentApi, request: Request): Promise<{ payload: Request; message: string }> {
  const prepared = await api.signingPayload(request);
  try {
    return { payload: prepared.payload, message: checkedMessage(request, prepared) };
  } catch (err) {
    if (err instanceof PayloadMismatchError) throw new InputError(() => t('key.mismatch'));
    throw err;
  }
}

async function signed(api: ConsentApi, request: Request, key: KeyPair): Promise<SignedBody> {
  const { payload, message } = await prepare(api, request);
  return { payload, signature: signMessage(message, key.privateKey) };
}

/** Registers the resident's first key, signed by that key. */
export async function registerKey(api: ConsentApi, key: KeyPair): Promise<ResidentKey> {
  return api.registerKey(await signed(api, { op: 'resident-key.register', publicKey: key.publicKey }, key));
}

/** Replaces `current` by `next`: the same bytes signed by both. */
export async function rotateKey(api: ConsentApi, current: KeyPair, next: KeyPair): Promise<ResidentKey> {
  const { payload, message } = await prepare(api, { op: 'resident-key.rotate', newPublicKey: next.publicKey });
  return api.rotateKey({
    payload,
    signature: signMessage(message, current.privateKey),
    newKeySignature: signMessage(message, next.privateKey),
  });
}

export async function grant(api: ConsentApi, terms: GrantTerms, key: KeyPair): Promise<GrantView> {
  return api.grant(await signed(api, { op: 'consent.grant', grant: terms }, key));
}

/** Adjusts the scope, validity window or use limit of an active grant. */
export async function change(api: ConsentApi, grantId: string, terms: ConsentTerms, key: KeyPair): Promise<GrantView> {
  return api.changeGrant(grantId, await signed(api, { op: 'consent.change', grantId, terms }, key));
}

/**
 * The recovery of a lost key, signed by the new key (proof of possession); nothing is sent: counter
 * staff submit it once they have checked the resident's identity.
 */
export async function signRecovery(api: ConsentApi, next: KeyPair): Promise<SignedBody> {
  return signed(api, { op: 'resident-key.recover', newPublicKey: next.publicKey }, next);
}

export async function revoke(api: ConsentApi, grantId: string, key: KeyPair): Promise<GrantView> {
  return api.revokeGrant(grantId, await signed(api, { op: 'consent.revoke', grantId }, key));
}

/** Approves a doctor's request: signs exactly the grant terms the request names. */
export async function approveRequest(
  api: ConsentApi,
  request: AccessRequestView,
  key: KeyPair,
): Promise<AccessRequestView> {
  return api.approveRequest(request.requestId, await signed(api, { op: 'consent.grant', grant: request.grant }, key));
}
