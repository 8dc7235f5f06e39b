import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { invoiceDataSchema } from '../modules/invoices/schemas';
import { generateSource } from './migration-source-generator';
import { parseManifest } from './migrate-source';
import { ProgressLine } from './progress';

describe('generateSource', () => {
  it('writes valid invoices of Hospital1 with PDFs, spread over types and days, and the broken items', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'source-'));
    const manifest = await generateSource({ dir, count: 20, firstNumber: 42, broken: true, days: 4 });
    const lines = parseManifest(readFileSync(manifest, 'utf8'));
    expect(lines).toHaveLength(22);
    for (const line of lines.slice(0, 20)) {
      expect(invoiceDataSchema.safeParse(line.invoice).success).toBe(true);
      expect(readFileSync(path.join(dir, line.pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect(new Set(lines.map((l) => l.invoice['type'])).size).toBe(5);
    expect(new Set(lines.map((l) => l.issuedAt.slice(0, 10))).size).toBe(4);
    expect(lines[0]?.invoice['number']).toBe('0000000042');
    expect(lines[20]?.invoice['code']).toBe('31020001');
    expect([lines[21]?.invoice['code'], lines[21]?.invoice['number']]).toEqual([
      lines[0]?.invoice['code'],
      lines[0]?.invoice['number'],
    ]);
  });
});

describe('ProgressLine', () => {
  function stream(isTTY: boolean) {
    const written: string[] = [];
    const out = { isTTY, columns: 80, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    return { out, written };
  }

  it('redraws one line on a terminal', () => {
    const { out, written } = stream(true);
    const line = new ProgressLine(out, 5_000, () => 0);
    line.update({ phase: 'sending', done: 1, total: 2, detail: '' });
    line.update({ phase: 'sending', done: 2, total: 2, detail: '' });
    line.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\rsending/);
    expect(written[2]).toBe('\n');
  });

  it('writes plain lines at most every interval elsewhere, and when forced', () => {
    const { out, written } = stream(false);
    let now = 0;
    const line = new ProgressLine(out, 5_000, () => now);
    line.update({ phase: 'sending', done: 1, total: 2, detail: '' });
    now = 1_000;
    line.update({ phase: 'sending', done: 2, total: 2, detail: '' });
    line.update({ phase: 'sending', done: 2, total: 2, detail: '' }, true);
    now = 7_000;
    line.update({ phase: 'importing', done: 2, total: 2, detail: '' });
    line.finish();
    expect(written.map((text) => text.split(' ')[0])).toEqual(['sending', 'sending', 'importing']);
  });
});
