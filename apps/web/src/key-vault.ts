/**
 * The resident's SM2 private key at rest on the phone: sealed under a passphrase the resident
 * chooses, never sent anywhere. WebCrypto derives the key (PBKDF2, SHA-256, random salt) and
 * encrypts (AES-GCM, whose tag refuses a wrong passphrase); SM4 would need a separate MAC, and
 * WebCrypto keeps the derivation and cipher out of page script.
 */
import { SM2_PUBLIC_KEY } from '@hdt/vocabulary';

export const KDF_ITERATIONS = 310_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;
export const MIN_PASSPHRASE = 8;

export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** What localStorage holds: the public key in clear, the private key encrypted. */
export interface SealedKey {
  readonly v: 1;
  readonly publicKey: string;
  readonly iterations: number;
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
}

export class WrongPassphraseError extends Error {
  constructor() {
    super('the passphrase does not open this key');
    this.name = 'WrongPassphraseError';
  }
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('not lowercase hexadecimal');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

async function aesKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The public key is the additional data: a record with another public key does not open. */
export async function sealKey(pair: KeyPair, passphrase: string, iterations = KDF_ITERATIONS): Promise<SealedKey> {
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await aesKey(passphrase, salt, iterations);
  const additionalData = new TextEncoder().encode(pair.publicKey);
  const plain = new TextEncoder().encode(pair.privateKey);
  const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plain);
  return {
    v: 1,
    publicKey: pair.publicKey,
    iterations,
    salt: toHex(salt),
    iv: toHex(iv),
    ciphertext: toHex(new Uint8Array(sealed)),
  };
}

export async function openKey(sealed: SealedKey, passphrase: string): Promise<KeyPair> {
  const key = await aesKey(passphrase, fromHex(sealed.salt), sealed.iterations);
  const additionalData = new TextEncoder().encode(sealed.publicKey);
  let plain: ArrayBuffer;
  try {
    plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromHex(sealed.iv), additionalData },
      key,
      fromHex(sealed.ciphertext),
    );
  } catch {
    throw new WrongPassphraseError();
  }
  return { privateKey: new TextDecoder().decode(plain), publicKey: sealed.publicKey };
}

const HEX = /^[0-9a-f]+$/;

function isSealedKey(o: Readonly<Record<string, unknown>>): boolean {
  const hex = (key: string): boolean => typeof o[key] === 'string' && HEX.test(o[key]);
  const publicKey = o['publicKey'];
  return (
    o['v'] === 1 &&
    typeof publicKey === 'string' &&
    SM2_PUBLIC_KEY.test(publicKey) &&
    Number.isSafeInteger(o['iterations']) &&
    ['salt', 'iv', 'ciphertext'].every(hex)
  );
}

/** A sealed key read back from storage, or undefined when there is none or it is not one. */
export function parseSealedKey(text: string | null | undefined): SealedKey | undefined {
  if (text === null || text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Readonly<Record<string, unknown>>;
  return isSealedKey(o) ? (o as unknown as SealedKey) : undefined;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

const storageKey = (username: string): string => `hdt.residentKey.${username}`;

export function loadSealedKey(username: string): SealedKey | undefined {
  return parseSealedKey(storage()?.getItem(storageKey(username)));
}

export function storeSealedKey(username: string, sealed: SealedKey): void {
  storage()?.setItem(storageKey(username), JSON.stringify(sealed));
}
