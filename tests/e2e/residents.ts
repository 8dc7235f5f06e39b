/**
 * The resident's side of the browser tests: the API beside the pages, and the phone holding one of
 * the tests' seeded keys (tests/integration/resident-keys.ts), sealed as the phone stores the keys
 * it makes: PBKDF2-SHA-256 → AES-GCM over the private key, the public key as additional data.
 */
import { webcrypto } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { type KeyPair, seededKey, sign } from '../integration/resident-keys';
import { call, DEMO_PASSWORDS, type Json } from '../integration/stack';
import { APP_URL, openPage, PHONE, submit } from './browser';

/** The API beside the pages (API_URL may or may not end in /api/v1). */
const API = new URL('../api/v1', APP_URL).toString();
export const PASSPHRASE = 'e2e phone passphrase';
const PBKDF2_ITERATIONS = 310_000;

/** A JSON request to the API beside the pages as the user of `token`: its answer, or an error unless 2xx. */
export async function api(token: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Json> {
  const res = await call(token, method, path, body, API);
  const ok = res.status >= 200 && res.status < 300;
  if (!ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A demo user's bearer token from the API beside the pages. */
export async function login(username: string): Promise<string> {
  const body = await api('', 'POST', '/auth/login', { username, password: DEMO_PASSWORDS[username] });
  if (typeof body['token'] !== 'string') throw new Error(`${username} cannot sign in: ${JSON.stringify(body)}`);
  return body['token'];
}

export interface RegisteredKey {
  residentId: string;
  keyVersion: number;
  publicKey: string;
}

/** The key registered for the resident of `token`, or undefined. */
export async function keyOnChain(token: string): Promise<RegisteredKey | undefined> {
  return (await api(token, 'GET', '/consent/key'))['key'] as RegisteredKey | undefined;
}

interface SealedRecord {
  publicKey: string;
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function aesKey(salt: Uint8Array, iterations: number): Promise<webcrypto.CryptoKey> {
  const base = await webcrypto.subtle.importKey('raw', Buffer.from(PASSPHRASE), 'PBKDF2', false, ['deriveKey']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations };
  return webcrypto.subtle.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function sealed(key: KeyPair): Promise<string> {
  const salt = webcrypto.getRandomValues(new Uint8Array(16));
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const aes = await aesKey(salt, PBKDF2_ITERATIONS);
  const params = { name: 'AES-GCM', iv, additionalData: Buffer.from(key.publicKey) };
  const ciphertext = new Uint8Array(await webcrypto.subtle.encrypt(params, aes, Buffer.from(key.privateKey)));
  const record = { v: 1, publicKey: key.publicKey, iterations: PBKDF2_ITERATIONS, salt: hex(salt), iv: hex(iv) };
  return JSON.stringify({ ...record, ciphertext: hex(ciphertext) });
}

async function unsealed(text: string): Promise<KeyPair> {
  const record = JSON.parse(text) as SealedRecord;
  const aes = await aesKey(Buffer.from(record.salt, 'hex'), record.iterations);
  const params = { name: 'AES-GCM', iv: Buffer.from(record.iv, 'hex'), additionalData: Buffer.from(record.publicKey) };
  const plain = await webcrypto.subtle.decrypt(params, aes, Buffer.from(record.ciphertext, 'hex'));
  return { privateKey: Buffer.from(plain).toString(), publicKey: record.publicKey };
}

/** The phone's local storage entry holding `username`'s sealed key, as a script literal. */
const vaultKey = (username: string): string => JSON.stringify(`hdt.residentKey.${username}`);

/** The resident's page on a phone. */
export function openPhone(browser: Browser): Promise<Page> {
  return openPage(browser, 'resident.html', PHONE);
}

/** Puts `key` into the phone's key store, sealed with PASSPHRASE. */
export async function storeKey(page: Page, username: string, key: KeyPair): Promise<void> {
  await page.evaluate(`window.localStorage.setItem(${vaultKey(username)}, ${JSON.stringify(await sealed(key))})`);
}

/** The key in the phone's key store, unsealed with PASSPHRASE; undefined if the phone holds none. */
export async function storedKey(page: Page, username: string): Promise<KeyPair | undefined> {
  const text: unknown = await page.evaluate(`window.localStorage.getItem(${vaultKey(username)})`);
  return typeof text === 'string' ? unsealed(text) : undefined;
}

/** Unlocks the phone's key with PASSPHRASE. */
export async function unlockKey(page: Page): Promise<void> {
  await page.fill('#key-passphrase', PASSPHRASE);
  await submit(page, 'key-unlock-form');
  await page.waitForSelector('#key-unlocked');
}

/**
 * Puts the integration tests' key of the next version on chain for the resident of `token` by a
 * counter clerk's recovery: for when no device holds the registered key any more.
 */
export async function recoverToSeeded(username: string, token: string): Promise<void> {
  const onChain = await keyOnChain(token);
  const next = seededKey(username, (onChain?.keyVersion ?? 0) + 1);
  const prepared = await api(token, 'POST', '/consent/signing-payloads', {
    op: 'resident-key.recover',
    newPublicKey: next.publicKey,
  });
  const { payload, message } = prepared as { payload: Json; message: string };
  const reason = 'test clean-up: key returned to the integration tests scheme';
  await api(await login('h1.clerk'), 'POST', '/consent/key/recover', {
    payload,
    signature: sign(message, next),
    reason,
  });
}
