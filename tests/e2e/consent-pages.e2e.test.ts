/**
 * The resident's phone page and the doctor's page in a real Chromium, against the API at API_URL:
 * a resident makes a key on the phone (or, holding the key on chain, rotates it to one made on the
 * phone), grants h1.doctor, who sees the grant active; the resident revokes, the doctor sees it
 * revoked. Residents' keys stay on the ledger between runs; the consent integration test keeps
 * each demo resident's key of version v derived from a fixed seed, so this test seeds the phone
 * with that key when one is on chain, and at the end rotates the phone's key back to that scheme.
 */
import { createHash, webcrypto } from 'node:crypto';
import { SM2_USER_ID } from '@hdt/vocabulary';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sm2 } from 'sm-crypto-v2';
import { DEMO_PASSWORDS } from '../integration/stack';
import { APP_URL, launch, message, openPage, pageErrors, screenshot, signIn, submit } from './browser';

jest.setTimeout(240_000);

/** Either demo resident will do: the first whose key on chain, if any, is one the tests can sign with. */
const RESIDENTS = ['resident.li', 'resident.zhang'];
const PASSPHRASE = 'e2e phone passphrase';
const vaultKey = (username: string): string => `hdt.residentKey.${username}`;
const PBKDF2_ITERATIONS = 310_000;

type Json = Record<string, unknown>;

/** The API beside the pages (API_URL may or may not end in /api/v1). */
const API = new URL('../api/v1', APP_URL).toString();
interface KeyPair {
  privateKey: string;
  publicKey: string;
}

async function call(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await res.json()) as Json;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function login(username: string): Promise<string> {
  const res = await fetch(`${API}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORDS[username] }),
  });
  const body = (await res.json()) as Json;
  if (typeof body['token'] !== 'string') throw new Error(`${username} cannot sign in: ${JSON.stringify(body)}`);
  return body['token'];
}

/** The consent integration test's key of `username` at key version `version`. */
function seededKey(username: string, version: number): KeyPair {
  const privateKey = createHash('sha256').update(`consent integration test ${username} ${version}`).digest('hex');
  return { privateKey, publicKey: sm2.getPublicKeyFromPrivateKey(privateKey) };
}

interface SealedRecord {
  publicKey: string;
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function aesKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<webcrypto.CryptoKey> {
  const base = await webcrypto.subtle.importKey('raw', Buffer.from(passphrase), 'PBKDF2', false, ['deriveKey']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations };
  return webcrypto.subtle.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The phone's storage format: PBKDF2-SHA-256 → AES-GCM over the private key, the public key as additional data. */
async function sealed(key: KeyPair, passphrase: string): Promise<string> {
  const salt = webcrypto.getRandomValues(new Uint8Array(16));
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const aes = await aesKey(passphrase, salt, PBKDF2_ITERATIONS);
  const params = { name: 'AES-GCM', iv, additionalData: Buffer.from(key.publicKey) };
  const ciphertext = new Uint8Array(await webcrypto.subtle.encrypt(params, aes, Buffer.from(key.privateKey)));
  const record = { v: 1, publicKey: key.publicKey, iterations: PBKDF2_ITERATIONS, salt: hex(salt), iv: hex(iv) };
  return JSON.stringify({ ...record, ciphertext: hex(ciphertext) });
}

async function unsealed(text: string, passphrase: string): Promise<KeyPair> {
  const record = JSON.parse(text) as SealedRecord;
  const aes = await aesKey(passphrase, Buffer.from(record.salt, 'hex'), record.iterations);
  const params = { name: 'AES-GCM', iv: Buffer.from(record.iv, 'hex'), additionalData: Buffer.from(record.publicKey) };
  const plain = await webcrypto.subtle.decrypt(params, aes, Buffer.from(record.ciphertext, 'hex'));
  return { privateKey: Buffer.from(plain).toString(), publicKey: record.publicKey };
}

const sign = (message: string, key: KeyPair): string =>
  sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });

/** The registered key: its version and public key, or undefined. */
async function keyOnChain(token: string): Promise<{ keyVersion: number; publicKey: string } | undefined> {
  const status = await call(token, 'GET', '/consent/key');
  return status['key'] as { keyVersion: number; publicKey: string } | undefined;
}

/** Rotates the phone's key (`current`) to the integration test's key of the next version. */
async function rotateToSeeded(username: string, token: string, current: KeyPair): Promise<void> {
  const onChain = await keyOnChain(token);
  if (onChain?.publicKey !== current.publicKey) throw new Error('the phone does not hold the registered key');
  const next = seededKey(username, onChain.keyVersion + 1);
  const prepared = await call(token, 'POST', '/consent/signing-payloads', {
    op: 'resident-key.rotate',
    newPublicKey: next.publicKey,
  });
  const text = prepared['message'] as string;
  const body = { payload: prepared['payload'], signature: sign(text, current), newKeySignature: sign(text, next) };
  await call(token, 'POST', '/consent/key/rotate', body);
}

async function phonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(new URL('resident.html', APP_URL).toString());
  return { context, page };
}

async function expectOk(page: Page): Promise<string> {
  const shown = await message(page);
  expect({ kind: shown.kind.replace('phone-message', '').trim(), code: shown.code }).toEqual({ kind: 'ok', code: '' });
  return shown.text;
}

/** Makes and registers a key on the phone, or unlocks the seeded key and rotates it to one made on the phone. */
async function keyOnPhone(page: Page, registered: { keyVersion: number } | undefined): Promise<number> {
  if (registered === undefined) {
    await page.fill('#key-new-passphrase', PASSPHRASE);
    await page.fill('#key-repeat', PASSPHRASE);
    await submit(page, 'key-create-form');
    expect(await expectOk(page)).toContain('第 1 版');
    return 1;
  }
  await page.fill('#key-passphrase', 'not the passphrase');
  await submit(page, 'key-unlock-form');
  expect((await message(page)).text).toContain('口令不正确');
  await page.fill('#key-passphrase', PASSPHRASE);
  await submit(page, 'key-unlock-form');
  await page.waitForSelector('#key-unlocked');
  await page.fill('#key-new-passphrase', PASSPHRASE);
  await page.fill('#key-repeat', PASSPHRASE);
  await submit(page, 'key-rotate-form');
  const version = registered.keyVersion + 1;
  expect(await expectOk(page)).toContain(`第 ${version} 版`);
  return version;
}

/** Grants h1.doctor lab reports on the phone; the new grant's id. */
async function grantDoctor(page: Page): Promise<string> {
  await page.click('#grant-hospital [data-value="Hospital1MSP"]');
  await page.fill('#grant-doctor', 'h1.doctor');
  await page.click('#grant-types [data-value="LAB_REPORT"]');
  await page.click('#grant-types [data-value="DISCHARGE_SUMMARY"]');
  await page.fill('#grant-fields', 'diagnosis, labResults');
  await submit(page, 'grant-form');
  expect(await expectOk(page)).toContain('h1.doctor');
  const id = await page.locator('#grant-list .grant[data-status="ACTIVE"]').first().getAttribute('id');
  return (id ?? '').replace(/^grant-/, '');
}

async function doctorSees(page: Page, grantId: string, status: string): Promise<void> {
  await page.click('#doctor-refresh');
  await page.waitForSelector('body:not([aria-busy])', { state: 'attached' });
  await page.waitForSelector(`.grant-status[data-grant="${grantId}"][data-status="${status}"]`);
}

describe('resident consent pages', () => {
  let browser: Browser;
  let resident: { username: string; token: string; registered: { keyVersion: number } | undefined };
  let phone: Page | undefined;

  beforeAll(async () => {
    browser = await launch();
    for (const username of RESIDENTS) {
      const token = await login(username);
      const key = await keyOnChain(token);
      if (key === undefined || seededKey(username, key.keyVersion).publicKey === key.publicKey) {
        resident = { username, token, registered: key };
        return;
      }
    }
    throw new Error('every demo resident has a key on chain that neither this test nor the integration test made');
  });

  afterAll(async () => {
    try {
      const key = JSON.stringify(vaultKey(resident.username));
      const text: unknown = await phone?.evaluate(`window.localStorage.getItem(${key})`);
      if (typeof text === 'string') {
        await rotateToSeeded(resident.username, resident.token, await unsealed(text, PASSPHRASE));
      }
    } finally {
      await browser?.close();
    }
  });

  test('a resident registers a key on the phone, grants a doctor and revokes; the doctor sees both', async () => {
    const { username, token, registered } = resident;
    const { page } = await phonePage(browser);
    phone = page;
    if (registered !== undefined) {
      const seeded = await sealed(seededKey(username, registered.keyVersion), PASSPHRASE);
      await page.evaluate(
        `window.localStorage.setItem(${JSON.stringify(vaultKey(username))}, ${JSON.stringify(seeded)})`,
      );
    }
    await signIn(page, username);
    await page.waitForSelector('#key-section:not([data-state="unknown"])');
    const version = await keyOnPhone(page, registered);
    expect((await keyOnChain(token))?.keyVersion).toBe(version);

    const grantId = await grantDoctor(page);
    expect(grantId).toMatch(/^g-/);
    const doctor = await openPage(browser, 'doctor.html');
    await signIn(doctor, 'h1.doctor');
    await doctorSees(doctor, grantId, 'ACTIVE');

    await page.click(`#grant-${grantId} .revoke`);
    await page.click('.van-dialog__confirm');
    await page.waitForSelector(`#grant-${grantId}[data-status="REVOKED"]`);
    await expectOk(page);
    await screenshot(page, 'resident-consent');
    await doctorSees(doctor, grantId, 'REVOKED');
    await screenshot(doctor, 'doctor-grants');
    expect([pageErrors.get(page), pageErrors.get(doctor)]).toEqual([[], []]);
  });
});
