/**
 * The resident's phone page and the doctor's page in a real Chromium, against the API at API_URL:
 * a resident makes a key on the phone (or, holding the key on chain, rotates it to one made on the
 * phone), grants h1.doctor, who sees the grant active; the resident narrows the grant's record
 * types, revokes it, and the doctor sees it revoked; then the resident excludes a hospital from the
 * general policy and signs the defaults again. Then the resident, on a phone that holds no key,
 * makes a new one and shows its recovery code; a hospital clerk recovers the key with it. Residents' keys stay on the ledger between runs; the consent integration test keeps
 * each demo resident's key of version v derived from a fixed seed, so this test seeds the phone
 * with that key when one is on chain, and at the end rotates the phone's key back to that scheme.
 */
import type { Browser, Page } from 'playwright-core';
import { type KeyPair, seededKey, sign } from '../integration/resident-keys';
import type { Json } from '../integration/stack';
import { expectOk, launch, message, openPage, pageErrors, screenshot, signIn, submit, text } from './browser';
import {
  api,
  keyOnChain,
  login,
  openPhone,
  PASSPHRASE,
  recoverToSeeded,
  storedKey,
  storeKey,
  unlockKey,
} from './residents';

jest.setTimeout(240_000);

/** Either demo resident will do: the first whose key on chain, if any, is one the tests can sign with. */
const RESIDENTS = ['resident.li', 'resident.zhang'];

/** Rotates the phone's key (`current`) to the integration test's key of the next version. */
async function rotateToSeeded(username: string, token: string, current: KeyPair): Promise<void> {
  const onChain = await keyOnChain(token);
  if (onChain?.publicKey !== current.publicKey) throw new Error('the phone does not hold the registered key');
  const next = seededKey(username, onChain.keyVersion + 1);
  const prepared = await api(token, 'POST', '/consent/signing-payloads', {
    op: 'resident-key.rotate',
    newPublicKey: next.publicKey,
  });
  const text = prepared['message'] as string;
  const body = { payload: prepared['payload'], signature: sign(text, current), newKeySignature: sign(text, next) };
  await api(token, 'POST', '/consent/key/rotate', body);
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
  await unlockKey(page);
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

/** Drops discharge summaries from the grant on the phone; the ledger then holds its version 2. */
async function adjustGrant(page: Page, token: string, grantId: string): Promise<void> {
  await page.click(`#grant-${grantId} .adjust`);
  const form = `#grant-change-${grantId}`;
  await page.click(`${form} .change-types [data-value="DISCHARGE_SUMMARY"]`);
  await page.click(`${form} .change-submit`);
  await page.waitForSelector(form, { state: 'detached' });
  await expectOk(page);
  const changed = await api(token, 'GET', `/consent/grants/${grantId}`);
  expect({ version: changed['version'], scope: changed['scope'] }).toMatchObject({
    version: 2,
    scope: { recordTypes: ['LAB_REPORT'], fields: ['diagnosis', 'labResults'] },
  });
}

/** Stops Hospital2 reading the resident's records under the general policy, then signs the defaults again. */
async function narrowThenRestorePolicy(page: Page, token: string): Promise<void> {
  const version = Number(await page.locator('#policy-version').getAttribute('data-version'));
  const signAndWait = async (next: number) => {
    await page.click('#policy-excluded-orgs [data-value="Hospital2MSP"]');
    await submit(page, 'policy-section');
    await page.waitForSelector(`#policy-version[data-version="${next}"]`);
    await expectOk(page);
    return (await api(token, 'GET', '/consent/policies'))['preferences'] as Json;
  };
  expect(await signAndWait(version + 1)).toMatchObject({ sourceOrg: { excludedOrgs: ['Hospital2MSP'] } });
  expect(await signAndWait(version + 2)).toMatchObject({ sourceOrg: { excludedOrgs: [] } });
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
      const { username, token } = resident;
      const held = phone === undefined ? undefined : await storedKey(phone, username);
      const registered = await keyOnChain(token);
      if (held !== undefined && held.publicKey === registered?.publicKey) await rotateToSeeded(username, token, held);
      else if (
        registered !== undefined &&
        seededKey(username, registered.keyVersion).publicKey !== registered.publicKey
      )
        await recoverToSeeded(username, token);
    } finally {
      await browser?.close();
    }
  });

  test('a resident registers a key on the phone, grants a doctor, adjusts and revokes, narrows a policy; the doctor sees the grant', async () => {
    const { username, token, registered } = resident;
    const page = await openPhone(browser);
    phone = page;
    if (registered !== undefined) await storeKey(page, username, seededKey(username, registered.keyVersion));
    await signIn(page, username);
    await page.waitForSelector('#key-section:not([data-state="unknown"])');
    const version = await keyOnPhone(page, registered);
    expect((await keyOnChain(token))?.keyVersion).toBe(version);

    const grantId = await grantDoctor(page);
    expect(grantId).toMatch(/^g-/);
    const doctor = await openPage(browser, 'doctor.html');
    await signIn(doctor, 'h1.doctor');
    await doctorSees(doctor, grantId, 'ACTIVE');
    await adjustGrant(page, token, grantId);

    await page.click(`#grant-${grantId} .revoke`);
    await page.click('.van-dialog__confirm');
    await page.waitForSelector(`#grant-${grantId}[data-status="REVOKED"]`);
    await expectOk(page);
    await screenshot(page, 'resident-consent');
    await doctorSees(doctor, grantId, 'REVOKED');
    await screenshot(doctor, 'doctor-grants');
    await narrowThenRestorePolicy(page, token);
    await screenshot(page, 'resident-policies');
    expect([pageErrors.get(page), pageErrors.get(doctor)]).toEqual([[], []]);
  });

  test("a resident who lost the phone's key makes a new one on the phone; a hospital clerk recovers it", async () => {
    const { username, token } = resident;
    const before = await keyOnChain(token);
    const page = await openPhone(browser);
    await signIn(page, username);
    await page.waitForSelector('#key-section[data-state="elsewhere"]');
    await page.fill('#recover-passphrase', PASSPHRASE);
    await page.fill('#recover-repeat', PASSPHRASE);
    await submit(page, 'key-recover-form');
    const code = await text(page, '#recover-code');
    expect(code).toMatch(/^hdt-recover:1\//);
    phone = page;
    await screenshot(page, 'resident-key-recovery');

    const clerk = await openPage(browser, 'hospital.html');
    await signIn(clerk, 'h1.clerk');
    await clerk.fill('#key-recovery-code', code);
    await clerk.waitForSelector('#key-recovery-preview');
    await clerk.fill('#key-recovery-reason', 'phone lost; ID card checked at the counter');
    await clerk.click('label.el-checkbox:has(#key-recovery-identity)');
    await clerk.click('#key-recovery-form button[type="submit"]');
    const result = await clerk.waitForSelector('#key-recovery-result[data-operation="RECOVER"]');
    const version = (before?.keyVersion ?? 0) + 1;
    expect(await result.getAttribute('data-version')).toBe(String(version));
    await screenshot(clerk, 'hospital-key-recovery');

    await page.click('#recover-check');
    await page.waitForSelector('#key-section[data-state="ready"]');
    expect(await expectOk(page)).toContain(`${version}`);
    expect(await keyOnChain(token)).toMatchObject({ keyVersion: version });
    expect([pageErrors.get(page), pageErrors.get(clerk)]).toEqual([[], []]);
  });
});
