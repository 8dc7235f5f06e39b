/**
 * Access requests in a real Chromium, against the API at API_URL: h2.doctor asks resident.li for
 * lab reports on the doctor's page; the resident sees the request and its notification on the
 * phone, approves it by signing with the key held on the phone, and the doctor sees the request
 * approved with its grant id. A second request is denied with a reason; then the resident grants
 * the doctor on site by scanning (here: typing) the doctor's code, and the phone shows the grant's
 * QR code. The phone holds the consent integration test's seeded key (registered here if the
 * resident has none), so the key on chain stays one the tests can sign with.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { type KeyPair, seededKey, sign } from '../integration/resident-keys';
import { type Json, labReportEntry } from '../integration/stack';
import { expectOk, launch, message, openPage, pageErrors, screenshot, signIn, submit } from './browser';
import { api, keyOnChain, login, openPhone, storeKey, unlockKey } from './residents';

jest.setTimeout(240_000);

const RESIDENT = 'resident.li';
const DOCTOR = 'h2.doctor';

/** The resident's seeded key on chain: registered now (version 1) if the resident has none. */
async function seededKeyOnChain(token: string): Promise<KeyPair> {
  const onChain = await keyOnChain(token);
  if (onChain !== undefined) {
    const key = seededKey(RESIDENT, onChain.keyVersion);
    if (key.publicKey !== onChain.publicKey) throw new Error(`${RESIDENT} has a key the tests did not make`);
    return key;
  }
  const key = seededKey(RESIDENT, 1);
  const prepared = await api(token, 'POST', '/consent/signing-payloads', {
    op: 'resident-key.register',
    publicKey: key.publicKey,
  });
  const signature = sign(prepared['message'] as string, key);
  await api(token, 'POST', '/consent/key', { payload: prepared['payload'], signature });
  return key;
}

/** The resident's page on the phone, signed in and holding `key`, unlocked. */
async function phonePage(browser: Browser, key: KeyPair): Promise<Page> {
  const page = await openPhone(browser);
  await storeKey(page, RESIDENT, key);
  await signIn(page, RESIDENT);
  await unlockKey(page);
  return page;
}

/** The doctor asks on the page; the id of the new request, the newest in "my requests". */
async function requestOnPage(doctor: Page, residentId: string): Promise<string> {
  await doctor.fill('#request-resident', residentId);
  await doctor.click('#request-types [data-value="LAB_REPORT"]');
  await doctor.fill('#request-fields', 'diagnosis');
  await doctor.fill('#request-days', '7');
  await doctor.fill('#request-message', '复诊需要查看化验单');
  await submit(doctor, 'request-form');
  const text = await expectOk(doctor);
  const requestId = /req-[0-9a-f]{24}/.exec(text)?.[0] ?? '';
  await doctor.waitForSelector(`.request-status[data-request="${requestId}"][data-status="PENDING"]`);
  return requestId;
}

async function doctorSees(doctor: Page, requestId: string, status: string): Promise<string> {
  await doctor.click('#requests-refresh');
  const tag = doctor.locator(`.request-status[data-request="${requestId}"][data-status="${status}"]`);
  await tag.waitFor();
  return (await tag.getAttribute('data-grant')) ?? '';
}

/** A lab report of the resident, indexed on chain by Hospital 1 with its content stored off chain. */
async function labReport(residentId: string): Promise<string> {
  const clerk = await login('h1.clerk');
  const recordId = `E2E-LAB-${randomBytes(4).toString('hex')}`;
  const fields = { diagnosis: 'J18.9 肺炎', address: '幸福路 1 号' };
  const record = labReportEntry(recordId, residentId, fields);
  await api(clerk, 'POST', '/records/batches', { records: [record] });
  await api(clerk, 'PUT', `/records/${recordId}/content`, { fields });
  return recordId;
}

/** The doctor opens the record on the page with the grant, asking for a granted and an ungranted field. */
async function openRecord(doctor: Page, recordId: string, grantId: string): Promise<void> {
  await doctor.fill('#read-record-id', recordId);
  await doctor.fill('#read-grant-id', grantId);
  await doctor.fill('#read-fields', 'diagnosis, address');
  await submit(doctor, 'read-form');
}

describe('access requests on the pages', () => {
  let browser: Browser;
  let residentId: string;
  let key: KeyPair;

  beforeAll(async () => {
    browser = await launch();
    const token = await login(RESIDENT);
    key = await seededKeyOnChain(token);
    residentId = ((await api(token, 'GET', '/consent/key'))['key'] as Json)['residentId'] as string;
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a doctor requests, the resident approves on the phone, the doctor sees the grant', async () => {
    const doctor = await openPage(browser, 'doctor.html');
    await signIn(doctor, DOCTOR);
    const requestId = await requestOnPage(doctor, residentId);

    const phone = await phonePage(browser, key);
    const card = phone.locator(`#request-${requestId}`);
    await card.waitFor();
    await phone.waitForSelector('#unread-badge:not([data-unread="0"])');
    const unread = Number(await phone.locator('#unread-badge').getAttribute('data-unread'));
    await phone.locator('.notification[data-read="false"][data-type="ACCESS_REQUESTED"] .mark-read').first().click();
    await phone.waitForSelector(`#unread-badge[data-unread="${unread - 1}"]`);

    await card.locator('.approve').click();
    const grantId = `grant-${requestId.slice('req-'.length)}`;
    expect(await expectOk(phone)).toContain(grantId);
    await card.waitFor({ state: 'detached' });
    await phone.waitForSelector(`#grant-${grantId}[data-status="ACTIVE"]`);
    await screenshot(phone, 'resident-requests');
    expect(await doctorSees(doctor, requestId, 'APPROVED')).toBe(grantId);

    const second = await requestOnPage(doctor, residentId);
    await phone.click('#notes-refresh');
    const denied = phone.locator(`#request-${second}`);
    await denied.locator('.deny-reason input').fill('请先联系我的家庭医生');
    await denied.locator('.deny').click();
    await expectOk(phone);
    await doctorSees(doctor, second, 'DENIED');
    await screenshot(doctor, 'doctor-requests');
    expect([pageErrors.get(phone), pageErrors.get(doctor)]).toEqual([[], []]);
  });

  test("the resident grants on site from the doctor's code, and the phone shows the grant's QR code", async () => {
    const doctor = await openPage(browser, 'doctor.html');
    await signIn(doctor, DOCTOR);
    await doctor.waitForSelector('#doctor-qr');
    const code = ((await doctor.locator('#doctor-code-text').textContent()) ?? '').trim();
    expect(code).toBe('hdt-doctor:Hospital2MSP:h2.doctor');

    const phone = await phonePage(browser, key);
    await phone.fill('#onsite-doctor', 'hdt-doctor:MedInsMSP:someone');
    await submit(phone, 'onsite-form');
    expect((await message(phone)).kind).toContain('error');
    await phone.fill('#onsite-doctor', code);
    await submit(phone, 'onsite-form');
    const qr = phone.locator('#onsite-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const grantCode = (await qr.getAttribute('data-code')) ?? '';
    const grantId = grantCode.split(':')[2] ?? '';
    expect(grantCode).toBe(`hdt-grant:${residentId}:${grantId}`);
    await screenshot(phone, 'resident-onsite-qr');

    await doctor.click('#doctor-refresh');
    await doctor.waitForSelector(`.grant-status[data-grant="${grantId}"][data-status="ACTIVE"]`);
    expect([pageErrors.get(phone), pageErrors.get(doctor)]).toEqual([[], []]);
  });

  test('request, approval on the phone, the granted field read, revocation, refusal: both in the access list', async () => {
    const recordId = await labReport(residentId);
    const doctor = await openPage(browser, 'doctor.html');
    await signIn(doctor, DOCTOR);
    const requestId = await requestOnPage(doctor, residentId);
    const phone = await phonePage(browser, key);
    await phone.locator(`#request-${requestId} .approve`).click();
    await expectOk(phone);
    const grantId = await doctorSees(doctor, requestId, 'APPROVED');

    await openRecord(doctor, recordId, grantId);
    await doctor.waitForSelector('#read-result');
    expect(await doctor.locator('.read-field[data-field="diagnosis"]').textContent()).toBe('J18.9 肺炎');
    expect(await doctor.locator('.read-field[data-field="address"]').count()).toBe(0);
    expect(await doctor.locator('#read-withheld').textContent()).toContain('address');
    expect(await doctor.locator('#read-watermark').textContent()).toContain(DOCTOR);

    await phone.click(`#grant-${grantId} .revoke`);
    await phone.click('.van-dialog__confirm');
    await phone.waitForSelector(`#grant-${grantId} .grant-status[data-status="REVOKED"]`);
    await openRecord(doctor, recordId, grantId);
    expect(await message(doctor)).toMatchObject({ code: 'ACCESS_REFUSED' });
    expect(await doctor.locator('#read-result').count()).toBe(0);

    await phone.click('#access-refresh');
    await phone.waitForSelector(`.access[data-record="${recordId}"][data-outcome="REFUSED"]`);
    expect(await phone.locator(`.access[data-record="${recordId}"][data-outcome="ALLOWED"]`).count()).toBe(1);
    await screenshot(phone, 'resident-access-list');
    await screenshot(doctor, 'doctor-record-reader');
    expect([pageErrors.get(phone), pageErrors.get(doctor)]).toEqual([[], []]);
  });
});
