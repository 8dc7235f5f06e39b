/**
 * A share link in a real Chromium on a phone's screen, against the API at API_URL: resident.zhang
 * shares one field of a lab report; the share page opens the link without signing in and decrypts
 * it in the browser with the key from the link's fragment; a changed key does not open it; once
 * the resident withdraws the link, the page says so.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { call, labReportEntry } from '../integration/stack';
import { launch, message, openPage, pageErrors, PHONE, screenshot } from './browser';
import { api, login } from './residents';

jest.setTimeout(180_000);

const ZHANG = 'c54b44e938774dc9cf73d6dba280c3b90037dd60fbde37eaea330965febeb8e0';
const FIELDS = { diagnosis: 'J45.9 asthma', address: 'Qingpu' };

/** The page's message: whether it is an error, and its code. */
async function refusal(page: Page): Promise<{ error: boolean; code: string }> {
  const shown = await message(page);
  return { error: shown.kind.split(' ').includes('error'), code: shown.code };
}

describe('the share page', () => {
  let browser: Browser;
  const pages: Page[] = [];
  const open = async (fragment: string): Promise<Page> => {
    const page = await openPage(browser, `share.html#${fragment}`, PHONE);
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    for (const page of pages) expect(pageErrors.get(page)).toEqual([]);
    await browser.close();
  });

  test('opens the shared field only, refuses a changed key, and shows a withdrawn link as withdrawn', async () => {
    const clerk = await login('h1.clerk');
    const zhang = await login('resident.zhang');
    const recordId = `E2E-SHARE-${randomBytes(4).toString('hex')}`;
    await api(clerk, 'POST', '/records/batches', { records: [labReportEntry(recordId, ZHANG, FIELDS)] });
    await api(clerk, 'PUT', `/records/${recordId}/content`, { fields: FIELDS });
    const link = await api(zhang, 'POST', '/share-links', { recordId, fields: ['diagnosis'], expiresInMinutes: 30 });
    const fragment = String(link['url']).split('#')[1] ?? '';

    const shown = await open(fragment);
    await shown.locator('#shared-record').waitFor({ state: 'visible' });
    expect(await shown.locator('#shared-record').getAttribute('data-record')).toBe(recordId);
    const cells = shown.locator('.shared-field');
    expect(await cells.count()).toBe(1);
    expect(await cells.first().getAttribute('data-field')).toBe('diagnosis');
    expect(await shown.locator('#shared-record').textContent()).toContain(FIELDS.diagnosis);
    await screenshot(shown, 'share-page');

    const [linkId = '', key = ''] = fragment.split('.');
    const changed = `${linkId}.${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    expect(await refusal(await open(changed))).toEqual({ error: true, code: 'BAD_KEY' });

    expect((await call(zhang, 'DELETE', `/share-links/${linkId}`)).status).toBe(200);
    expect(await refusal(await open(fragment))).toEqual({ error: true, code: 'SHARE_LINK_WITHDRAWN' });
  });
});
