/**
 * Demo residents' SM2 keys for the integration and browser tests. Keys stay on the ledger between
 * runs, so the key of version v is derived from a fixed seed: a run finds the version on chain and
 * rotates it to the next one, and every test file agrees on the keys.
 */
import { createHash } from 'node:crypto';
import { SM2_USER_ID } from '@hdt/vocabulary';
import { sm2 } from 'sm-crypto-v2';
import { call, type Json, type Outcome } from './stack';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** The tests' key of `username` at key version `version`. */
export function seededKey(username: string, version: number): KeyPair {
  const privateKey = createHash('sha256').update(`consent integration test ${username} ${version}`).digest('hex');
  return { privateKey, publicKey: sm2.getPublicKeyFromPrivateKey(privateKey) };
}

export function sign(message: string, key: KeyPair): string {
  return sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });
}

/** The payload the gateway prepares for `request`, with the bytes to sign. */
export async function prepare(token: string, request: Json): Promise<{ payload: Json; message: string }> {
  const res = await call(token, 'POST', '/consent/signing-payloads', request);
  if (res.status !== 200) throw new Error(`signing payload: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return { payload: res.body['payload'] as Json, message: res.body['message'] as string };
}

/** Prepares, signs and submits a resident's operation; answers the API's outcome. */
export async function signed(token: string, key: KeyPair, request: Json, path: string): Promise<Outcome> {
  const { payload, message } = await prepare(token, request);
  return call(token, 'POST', path, { payload, signature: sign(message, key) });
}

/** Registers the resident's first key (version 1), or rotates the key found on chain to the next version. */
export async function residentKey(username: string, token: string): Promise<KeyPair> {
  const onChain = (await call(token, 'GET', '/consent/key')).body['key'] as Json | undefined;
  if (onChain === undefined) {
    const key = seededKey(username, 1);
    const registered = await signed(
      token,
      key,
      { op: 'resident-key.register', publicKey: key.publicKey },
      '/consent/key',
    );
    const version = (registered.body['key'] as Json | undefined)?.['keyVersion'];
    if (registered.status !== 201 || version !== 1)
      throw new Error(`register key: HTTP ${registered.status}, key version ${String(version)}`);
    return key;
  }
  const version = onChain['keyVersion'] as number;
  const old = seededKey(username, version);
  if (onChain['publicKey'] !== old.publicKey) throw new Error(`${username} has a key the tests did not make`);
  const next = seededKey(username, version + 1);
  const { payload, message } = await prepare(token, { op: 'resident-key.rotate', newPublicKey: next.publicKey });
  const body = { payload, signature: sign(message, old), newKeySignature: sign(message, next) };
  const rotated = await call(token, 'POST', '/consent/key/rotate', body);
  if (rotated.status !== 200) throw new Error(`rotate key: HTTP ${rotated.status}`);
  return next;
}
