/**
 * The three invoice pages in a real Chromium, against the API at API_URL: a billing clerk issues,
 * two payers verify, lock and reimburse their parts, a double reimbursement is refused in words,
 * the invoice is written off, and the supervisor reads it all back, its unit counted in the day's
 * statistics and the daily chart drawn; a clerk red-flushes one invoice and voids another, and the
 * billing console's list shows what became of them. Each page's screenshot is written to SCREENSHOT_DIR.
 */
import type { Browser, Page } from 'playwright-core';
import { newInvoiceId, samplePdf } from '../integration/stack';
import { choose, launch, message, openPage, pageErrors, screenshot, signIn, submit, text } from './browser';

jest.setTimeout(180_000);

interface InvoiceUnderTest {
  code: string;
  number: string;
  pdf: Buffer;
}

function newInvoice(): InvoiceUnderTest {
  const id = newInvoiceId();
  return { ...id, pdf: samplePdf(`${id.code}-${id.number}`) };
}

const pdfFile = (invoice: InvoiceUnderTest) => ({
  name: `${invoice.code}-${invoice.number}.pdf`,
  mimeType: 'application/pdf',
  buffer: invoice.pdf,
});

/** Fills the billing console's issue form: 128.30 yuan, 48.30 of it reimbursable. */
async function fillIssueForm(page: Page, invoice: InvoiceUnderTest): Promise<void> {
  await page.fill('#issue-code', invoice.code);
  await page.fill('#issue-number', invoice.number);
  await choose(page, 'issue-type', '门诊');
  await page.fill('#issue-payer-name', '张三');
  await page.fill('#issue-payer-id', '310101199001011234');
  await page.fill('#issue-department', '内科');
  await page.fill('#issue-visit-date', '2026-11-20');
  await page.fill('#items tr:nth-child(1) input[name="name"]', '诊查费');
  await page.fill('#items tr:nth-child(1) input[name="unitPrice"]', '50');
  await page.click('#add-item');
  await page.fill('#items tr:nth-child(2) input[name="name"]', '血常规');
  await page.fill('#items tr:nth-child(2) input[name="quantity"]', '2');
  await page.fill('#items tr:nth-child(2) input[name="unitPrice"]', '39.15');
  await page.fill('#pay-fund', '60');
  await page.fill('#pay-account', '20');
  await page.fill('#pay-self', '48.30');
  await page.fill('#issue-reimbursable', '48.30');
  await page.setInputFiles('#issue-pdf', pdfFile(invoice));
}

/** The clerk issues the invoice; returns the check code the console shows. */
async function issue(
  browser: Browser,
  invoice: InvoiceUnderTest,
  shot?: string,
): Promise<{ page: Page; checkCode: string }> {
  const page = await openPage(browser, 'hospital.html');
  await signIn(page, 'h1.clerk');
  await fillIssueForm(page, invoice);
  expect(await text(page, '#items-total')).toContain('¥128.30');
  await submit(page, 'issue-form');
  expect(await message(page)).toMatchObject({ kind: 'ok', code: '' });
  const checkCode = await text(page, '#issued-check-code');
  expect(checkCode).toMatch(/^[0-9A-Z]{6}$/);
  await page.waitForSelector(`#invoice-card[data-code="${invoice.code}"][data-status="ISSUED"]`);
  expect(await text(page, '#amount-reimbursable')).toBe('¥48.30');
  if (shot !== undefined) await screenshot(page, shot);
  return { page, checkCode };
}

/** The clerk red-flushes the invoice in view with the red invoice `red`. */
async function redFlush(page: Page, red: InvoiceUnderTest): Promise<void> {
  await page.fill('#red-flush-code', red.code);
  await page.fill('#red-flush-number', red.number);
  await page.fill('#red-flush-reason', 'wrong amount');
  await page.setInputFiles('#red-flush-pdf', pdfFile(red));
  await submit(page, 'red-flush-form');
}

/** The text of the invoice's row in the billing console's list ('' while it is not listed). */
async function listedRow(page: Page, invoice: InvoiceUnderTest): Promise<string> {
  const row = page.locator('#invoice-list tbody tr', { hasText: `${invoice.code}-${invoice.number}` });
  return (await row.count()) === 0 ? '' : ((await row.first().textContent()) ?? '');
}

/**
 * The invoice's status in the list: the list follows the ledger a few seconds behind, so it is
 * read again until the invoice shows `expected` (or the attempts run out).
 */
async function listedStatus(page: Page, invoice: InvoiceUnderTest, expected: string): Promise<string | null> {
  const row = page.locator('#invoice-list tbody tr', { hasText: `${invoice.code}-${invoice.number}` });
  let shown: string | null = null;
  for (let attempt = 0; attempt < 20 && shown !== expected; attempt += 1) {
    await submit(page, 'list-form');
    shown = (await row.count()) === 0 ? null : await row.first().locator('[data-status]').getAttribute('data-status');
    if (shown !== expected) await page.waitForTimeout(500);
  }
  return shown;
}

/** A reimbursement officer signs in and verifies the invoice with its PDF. */
async function verifyAs(
  browser: Browser,
  username: string,
  invoice: InvoiceUnderTest,
  checkCode: string,
): Promise<Page> {
  const page = await openPage(browser, 'reimburser.html');
  await signIn(page, username);
  await page.fill('#verify-code', invoice.code);
  await page.fill('#verify-number', invoice.number);
  await page.fill('#verify-check-code', checkCode);
  await page.setInputFiles('#verify-pdf', pdfFile(invoice));
  await submit(page, 'verify-form');
  expect(await page.getAttribute('#verdict', 'data-result')).toBe('authentic');
  await page.waitForSelector(`#invoice-card[data-code="${invoice.code}"]`);
  return page;
}

/**
 * Another organisation's peer commits a block a moment after the submitting one: verify again
 * (reading the invoice again) until the page shows what the other payer did.
 */
async function verifiedUntil(page: Page, selector: string, shows: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if ((await page.locator(selector).count()) > 0 && (await text(page, selector)).includes(shows)) return;
    await page.waitForTimeout(500);
    await submit(page, 'verify-form');
  }
  throw new Error(`${selector} never showed ${shows}`);
}

async function lock(page: Page, claimId: string, yuan: string): Promise<void> {
  await page.fill('#lock-claim', claimId);
  await page.fill('#lock-amount', yuan);
  await submit(page, 'lock-form');
}

async function reimburse(page: Page, claimId: string, yuan: string): Promise<void> {
  await page.fill('#reimburse-claim', claimId);
  await page.fill('#reimburse-amount', yuan);
  await submit(page, 'reimburse-form');
}

const status = (page: Page) => page.getAttribute('#invoice-card', 'data-status');

/** The bureau locks and pays 30.00 of the 48.30. */
async function bureauPaysPart(page: Page, claimId: string): Promise<void> {
  await lock(page, claimId, '30.00');
  expect(await message(page)).toMatchObject({ kind: 'ok' });
  expect(await status(page)).toBe('LOCKED');
  expect(await text(page, '#amount-locked')).toBe('¥30.00');
  await reimburse(page, claimId, '30.00');
  expect(await message(page)).toMatchObject({ kind: 'ok' });
  expect(await status(page)).toBe('PARTIALLY_REIMBURSED');
  expect(await text(page, '#amount-reimbursed')).toBe('¥30.00');
}

/** The insurer asks for a fen too much (refused), then locks and pays the 18.30 left. */
async function insurerPaysRest(page: Page, claimId: string): Promise<void> {
  await lock(page, `${claimId}-X`, '18.31');
  expect(await message(page)).toMatchObject({ kind: 'error', code: 'AMOUNT_UNAVAILABLE' });
  await lock(page, claimId, '18.30');
  expect(await message(page)).toMatchObject({ kind: 'ok' });
  const reimbursements = await text(page, '#reimbursements');
  expect(reimbursements).toContain('MedInsMSP');
  expect(reimbursements).toContain('¥30.00');
  expect(await text(page, '#locks')).toContain('InsurerMSP');
  await reimburse(page, claimId, '18.30');
  expect(await status(page)).toBe('REIMBURSED');
  expect(await text(page, '#amount-reimbursed')).toBe('¥48.30');
  expect(await text(page, '#amount-available')).toBe('¥0.00');
}

/** The same reimbursement submitted again: refused, said in Chinese and, after the toggle, in English. */
async function doubleReimbursementRefused(page: Page, claimId: string): Promise<void> {
  await reimburse(page, claimId, '18.30');
  const refused = await message(page);
  expect(refused).toMatchObject({ kind: 'error', code: 'LOCK_NOT_ACTIVE' });
  expect(refused.text).toContain('不能重复报销');
  await screenshot(page, 'reimburser-refused');
  await page.click('#lang-toggle');
  expect((await message(page)).text).toContain('cannot be paid again');
  expect(await text(page, '#amount-reimbursed')).toBe('¥48.30');
}

async function writeOff(page: Page): Promise<void> {
  await page.fill('#write-off-reason', 'claims settled');
  await submit(page, 'write-off-form');
  expect(await message(page)).toMatchObject({ kind: 'ok' });
  expect(await status(page)).toBe('WRITTEN_OFF');
}

/** Today in China Standard Time (the statistics' days), YYYY-MM-DD. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The count of `unit` in the table by issuing unit, or undefined when it has no row. */
async function unitCount(page: Page, unit: string): Promise<number | undefined> {
  const units = (await page.locator('#stats-by-unit tbody td:nth-child(1)').allTextContents()).map((u) => u.trim());
  const counts = await page.locator('#stats-by-unit tbody td:nth-child(2)').allTextContents();
  const row = units.indexOf(unit);
  return row < 0 ? undefined : Number((counts[row] ?? '').replace(/[^\d-]/g, ''));
}

/**
 * The supervisor loads the statistics of the days from `firstDay` to today: the projection follows
 * the chain's events a moment behind, so it loads them again until the invoice's unit is counted.
 */
async function statisticsShowUnit(page: Page, firstDay: string, unit: string): Promise<void> {
  const today = chinaToday();
  await page.fill('#stats-from', firstDay);
  await page.fill('#stats-to', today);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await submit(page, 'stats-form');
    await page.waitForSelector(`#stats-result[data-from="${firstDay}"][data-to="${today}"]`);
    if (((await unitCount(page, unit)) ?? 0) >= 1) break;
    await page.waitForTimeout(500);
  }
  expect(await unitCount(page, unit)).toBeGreaterThanOrEqual(1);
  expect(Number((await text(page, '#stats-total-count')).replace(/[^\d-]/g, ''))).toBeGreaterThanOrEqual(1);
  // The daily chart is drawn (ECharts' canvas renderer) beside the tables.
  const canvas = page.locator('#stats-chart-daily canvas').first();
  await canvas.waitFor({ state: 'attached' });
  expect(Number(await canvas.getAttribute('width'))).toBeGreaterThan(0);
}

/** The supervisor: registry with code ranges, the history, the statistics of the invoice's day. */
async function supervisorReads(browser: Browser, invoice: InvoiceUnderTest, firstDay: string): Promise<Page> {
  const page = await openPage(browser, 'supervisor.html');
  const calls: string[] = [];
  page.on('request', (request) => calls.push(new URL(request.url()).pathname));
  await signIn(page, 'hc.supervisor');
  await page.waitForSelector('#registry');
  expect(await text(page, '#registry')).toContain('31010000–31019999');
  await page.fill('#lookup-code', invoice.code);
  await page.fill('#lookup-number', invoice.number);
  await submit(page, 'lookup-form');
  expect(await status(page)).toBe('WRITTEN_OFF');
  const operations = await page.locator('#history tbody tr td:nth-child(2)').allTextContents();
  // The refused lock left no trace: only committed transactions are history.
  expect(operations).toEqual(['开具', '锁定', '报销', '锁定', '报销', '核销']);
  const unit = await text(page, '#invoice-issuing-unit');
  expect(unit).not.toBe('');
  await statisticsShowUnit(page, firstDay, unit);
  expect(calls).toContain('/api/v1/statistics/invoices');
  return page;
}

describe('invoice pages in Chromium', () => {
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launch();
  });

  afterEach(() => {
    const errors = pages.flatMap((page) => pageErrors.get(page) ?? []);
    pages.length = 0;
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('the start page links the three pages, in Chinese or English', async () => {
    const page = await openPage(browser, './');
    pages.push(page);
    expect(await text(page, '#link-reimburser')).toBe('报销方门户');
    await page.click('#lang-toggle');
    expect(await text(page, '#link-reimburser')).toBe('Reimburser portal');
    await page.click('#lang-toggle');
    await screenshot(page, 'index');
  });

  test('issue, verify, a payer pays part, a second payer the rest, a double reimbursement is refused, write-off', async () => {
    const invoice = newInvoice();
    const suffix = invoice.number.slice(-6);
    const firstDay = chinaToday();
    const { page: clerk, checkCode } = await issue(browser, invoice, 'hospital');
    const bureau = await verifyAs(browser, 'medins.officer', invoice, checkCode);
    await bureauPaysPart(bureau, `MI-${suffix}`);
    const insurer = await verifyAs(browser, 'insurer.officer', invoice, checkCode);
    await verifiedUntil(insurer, '#reimbursements', 'MedInsMSP');
    await insurerPaysRest(insurer, `INS-${suffix}`);
    await doubleReimbursementRefused(insurer, `INS-${suffix}`);
    await writeOff(insurer);
    await screenshot(insurer, 'reimburser');
    const supervisor = await supervisorReads(browser, invoice, firstDay);
    await screenshot(supervisor, 'supervisor');
    pages.push(clerk, bureau, insurer, supervisor);
  });

  test('only the lock holder unlocks; the released amount is free again', async () => {
    const invoice = newInvoice();
    const suffix = invoice.number.slice(-6);
    const { page: clerk, checkCode } = await issue(browser, invoice);
    const insurer = await verifyAs(browser, 'insurer.officer', invoice, checkCode);
    await lock(insurer, `INS-${suffix}`, '48.30');
    expect(await text(insurer, '#amount-available')).toBe('¥0.00');
    const bureau = await verifyAs(browser, 'medins.officer', invoice, checkCode);
    await verifiedUntil(bureau, '#locks', 'InsurerMSP');
    await bureau.click(`#locks button`);
    expect(await bureau.inputValue('#unlock-claim')).toBe(`INS-${suffix}`);
    await bureau.fill('#unlock-reason', 'not ours');
    await submit(bureau, 'unlock-form');
    expect(await message(bureau)).toMatchObject({ kind: 'error', code: 'NOT_LOCK_HOLDER' });
    await insurer.click(`#locks button`);
    await insurer.fill('#unlock-reason', 'claim refused');
    await submit(insurer, 'unlock-form');
    expect(await message(insurer)).toMatchObject({ kind: 'ok' });
    expect(await text(insurer, '#locks')).toContain('已解锁');
    expect(await text(insurer, '#amount-available')).toBe('¥48.30');
    pages.push(clerk, insurer, bureau);
  });

  test('a clerk red-flushes one invoice and voids another; the list shows what became of them', async () => {
    const flushed = newInvoice();
    const { page: clerk } = await issue(browser, flushed);
    const red = newInvoice();
    await redFlush(clerk, red);
    expect(await status(clerk)).toBe('RED_FLUSHED');
    expect(await text(clerk, '#history')).toContain('冲红');
    await redFlush(clerk, newInvoice());
    expect(await message(clerk)).toMatchObject({ kind: 'error', code: 'INVOICE_STATE_CONFLICT' });
    const voided = newInvoice();
    const { page } = await issue(browser, voided);
    await page.fill('#void-reason', 'issued in error');
    await submit(page, 'void-form');
    expect(await message(page)).toMatchObject({ kind: 'ok' });
    expect(await status(page)).toBe('VOIDED');
    expect(await text(page, '#history')).toContain('作废');
    expect(await listedStatus(page, voided, 'VOIDED')).toBe('VOIDED');
    expect(await listedStatus(page, flushed, 'RED_FLUSHED')).toBe('RED_FLUSHED');
    expect(await listedRow(page, red)).toContain('红票');
    await screenshot(page, 'hospital-list');
    pages.push(clerk, page);
  });
});
