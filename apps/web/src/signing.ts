/**
 * Signing on the resident's device: SM2 key pairs, and signatures over the exact bytes the gateway
 * prepared — after checking that those bytes say what the resident asked for, so that a gateway
 * cannot have the device sign something else.
 */
import { canonicalJson, SM2_USER_ID } from '@hdt/vocabulary';
import { sm2 } from 'sm-crypto-v2';
import type { KeyPair } from './key-vault.js';
import { toHex } from './key-vault.js';

export function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

/** SM2 with SM3 over the UTF-8 bytes of `message`, the standard's default user id, DER-encoded. */
export function signMessage(message: string, privateKey: string): string {
  return sm2.doSignature(message, privateKey, { hash: true, der: true, userId: SM2_USER_ID });
}

export function verifyMessage(message: string, signature: string, publicKey: string): boolean {
  return sm2.doVerifySignature(message, signature, publicKey, { hash: true, der: true, userId: SM2_USER_ID });
}

/** POST /consent/signing-payloads: the payload to send back and the bytes to sign. */
export interface Prepared {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly message: string;
  readonly messageHex: string;
}

export class PayloadMismatchError extends Error {
  constructor(what: string) {
    super(`the payload to sign does not match the request: ${what}`);
    this.name = 'PayloadMismatchError';
  }
}

/**
 * The message to sign, once it is the canonical JSON of the payload and the payload carries every
 * member of `request` unchanged (the gateway adds only the header and versions).
 */
export function checkedMessage(request: Readonly<Record<string, unknown>>, prepared: Prepared): string {
  if (canonicalJson(prepared.payload) !== prepared.message) throw new PayloadMismatchError('message');
  if (toHex(new TextEncoder().encode(prepared.message)) !== prepared.messageHex) {
    throw new PayloadMismatchError('messageHex');
  }
  for (const [name, value] of Object.entries(request)) {
    if (name === 'nonce' && value === undefined) continue;
    if (canonicalJson(prepared.payload[name] ?? null) !== canonicalJson(value)) throw new PayloadMismatchError(name);
  }
  return prepared.message;
}
