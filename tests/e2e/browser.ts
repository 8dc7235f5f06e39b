/**
 * The browser side of the end-to-end tests: Debian's Chromium driven by playwright-core, one
 * browser context per user (each with its own session storage), and helpers that act on the
 * pages as a person does: type, choose a file, press the button, read what is shown.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORDS, STATE_DIR } from '../integration/stack';

/** The pages beside the API: API_URL http://host:port or http://host:port/api/v1 → http://host:port/app/. */
export function appUrl(apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8080'): string {
  const url = new URL(apiUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/app/`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export const APP_URL = appUrl();
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.join(STATE_DIR, 'screenshots');

/** CHROMIUM_PATH, or the chromium on the PATH (scripts/install-browser.sh installs it). */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') return configured;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error("Chromium is not installed: run 'bash scripts/install-browser.sh' (as root) or set CHROMIUM_PATH");
  }
}

export function launch(): Promise<Browser> {
  // Chromium's sandbox refuses to run as root (CI runs as root).
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: chromiumPath(), args });
}

/** Errors thrown by a page's scripts, per page: a test ends by expecting none. */
export const pageErrors = new WeakMap<Page, string[]>();

/** A desk's screen. */
const DESK: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
/** A phone's screen: the resident's page is made for phones. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** Opens `file` (e.g. `reimburser.html`) in a fresh context: a separate user at a separate desk (or phone). */
export async function openPage(browser: Browser, file: string, device = DESK): Promise<Page> {
  const context = await browser.newContext({ ...device, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(new URL(file, APP_URL).toString());
  return page;
}

/** Presses the form's submit button and waits until the page has its answer. */
export async function submit(page: Page, formId: string): Promise<void> {
  await page.click(`#${formId} button[type="submit"]`);
  await page.waitForSelector('body:not([aria-busy])', { state: 'attached' });
}

/** Chooses `label` in an Element Plus select (its list opens in a layer of its own). */
export async function choose(page: Page, selectId: string, label: string): Promise<void> {
  await page.locator('.el-select', { has: page.locator(`#${selectId}`) }).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

export async function signIn(page: Page, username: string): Promise<void> {
  const password = DEMO_PASSWORDS[username];
  if (password === undefined) throw new Error(`${username} is not a demo user`);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await submit(page, 'login-form');
  await page.waitForSelector('#user-name:not([hidden])');
}

export interface Shown {
  kind: string;
  code: string;
  text: string;
}

/** The message line: its kind (ok / error), the API's error code, and its text. */
export async function message(page: Page): Promise<Shown> {
  const box = page.locator('#message');
  await box.waitFor({ state: 'visible' });
  const kind = (await box.getAttribute('class')) ?? '';
  return {
    kind: kind.replace('message', '').trim(),
    code: (await box.getAttribute('data-code')) ?? '',
    text: (await box.textContent()) ?? '',
  };
}

/** Expects the message line to show success (on a desk page or the phone); its text. */
export async function expectOk(page: Page): Promise<string> {
  const shown = await message(page);
  expect({ kind: shown.kind.replace('phone-message', '').trim(), code: shown.code }).toEqual({ kind: 'ok', code: '' });
  return shown.text;
}

export async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').trim();
}

/** Full-page screenshot into SCREENSHOT_DIR (git-ignored under .state/). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top, so that the message line (sticky while scrolling) sits in its place.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
