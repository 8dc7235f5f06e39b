/**
 * Writes a synthetic migration source for tests and benchmarks: `count` historic invoices of
 * Hospital1 (codes 31010000-31019999 in network/registry.json) spread over days and types, each
 * with a small valid PDF, and a manifest.jsonl that `npm run migrate` reads.
 * Usage: node dist/cli/migration-source-generator.js --out DIR --count N [--first-number N] [--broken]
 * `--broken` appends two items the import must refuse: a code allocated to Hospital2, and a
 * repeat of the first item's code and number with another amount.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { INVOICE_TYPES, type InvoiceType } from '@hdt/vocabulary';

export interface GeneratorOptions {
  dir: string;
  count: number;
  /** Invoice numbers are firstNumber, firstNumber + 1, ... (10 digits). */
  firstNumber: number;
  broken: boolean;
  /** Days the issue times spread over, ending a year before now. */
  days?: number;
}

const CODES = ['31012021', '31012022', '31012023'];
const FOREIGN_CODE = '31020001';

/** A small, well-formed one-page PDF naming the invoice. */
export function historicPdf(label: string): Buffer {
  const text = `Historic medical e-invoice ${label}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length + 36} >>\nstream\nBT /F1 14 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The i-th synthetic invoice: amounts, split and items consistent, dates from its issue time. */
export function historicInvoice(i: number, code: string, number: string, issuedAt: Date): Record<string, unknown> {
  const type: InvoiceType = INVOICE_TYPES[i % INVOICE_TYPES.length] ?? 'OUTPATIENT';
  const consultation = 1_000 + ((i * 37) % 5_000);
  const tests = 500 + ((i * 91) % 20_000);
  const total = consultation + tests;
  const fund = Math.floor(total * 0.5);
  const account = Math.floor(total * 0.2);
  const day = issuedAt.toISOString().slice(0, 10);
  return {
    code,
    number,
    type,
    payer: { name: `患者${i % 997}`, idNumber: `3101011980${String(i % 1_000_000).padStart(6, '0')}00` },
    visit: { department: 'Internal medicine', visitDate: day, ...(type === 'INPATIENT' ? { dischargeDate: day } : {}) },
    items: [
      { name: 'Consultation', quantity: 1, unitPrice: consultation, amount: consultation },
      { name: 'Laboratory tests', quantity: 1, unitPrice: tests, amount: tests },
    ],
    totalAmount: total,
    payment: { medicalInsuranceFund: fund, personalAccount: account, otherFund: 0, selfPay: total - fund - account },
    reimbursableAmount: total - fund - account,
  };
}

interface Line {
  invoice: Record<string, unknown>;
  issuedAt: string;
  checkCode?: string;
  pdf: string;
}

function line(i: number, code: string, number: string, start: number, days: number): Line {
  const issuedAt = new Date(start + (i % days) * 86_400_000 + ((i * 7919) % 36_000) * 1000);
  const checkCode =
    i % 2 === 0 ? { checkCode: (i * 104_729).toString(36).toUpperCase().padStart(6, '0').slice(-6) } : {};
  return {
    invoice: historicInvoice(i, code, number, issuedAt),
    issuedAt: issuedAt.toISOString(),
    ...checkCode,
    pdf: `pdf/${code}-${number}.pdf`,
  };
}

export async function generateSource(options: GeneratorOptions): Promise<string> {
  const days = options.days ?? 30;
  const start = Date.UTC(new Date().getUTCFullYear() - 1, 0, 1, 1, 0, 0);
  await mkdir(path.join(options.dir, 'pdf'), { recursive: true });
  const lines: Line[] = [];
  for (let i = 0; i < options.count; i++) {
    const code = CODES[i % CODES.length] ?? '31012021';
    lines.push(line(i, code, String(options.firstNumber + i).padStart(10, '0'), start, days));
  }
  if (options.broken && lines[0] !== undefined) {
    lines.push(line(options.count, FOREIGN_CODE, String(options.firstNumber).padStart(10, '0'), start, days));
    const first = lines[0];
    lines.push({
      ...line(options.count + 1, CODES[0] ?? '', '', start, days),
      invoice: {
        ...historicInvoice(
          options.count + 1,
          String(first.invoice['code']),
          String(first.invoice['number']),
          new Date(first.issuedAt),
        ),
      },
      pdf: `pdf/repeat.pdf`,
    });
  }
  const pdfs = new Set<string>();
  for (const entry of lines) {
    if (pdfs.has(entry.pdf)) continue;
    pdfs.add(entry.pdf);
    await writeFile(path.join(options.dir, entry.pdf), historicPdf(path.basename(entry.pdf, '.pdf')));
  }
  const manifest = path.join(options.dir, 'manifest.jsonl');
  await writeFile(manifest, lines.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
  return manifest;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string' },
      'first-number': { type: 'string' },
      broken: { type: 'boolean' },
    },
  });
  const count = Number(values.count ?? '10000');
  if (values.out === undefined || !Number.isInteger(count) || count < 1) {
    throw new Error('usage: migration-source-generator --out DIR --count N [--first-number N] [--broken]');
  }
  const firstNumber = Number(values['first-number'] ?? Math.floor(Math.random() * 9e9));
  const manifest = await generateSource({ dir: values.out, count, firstNumber, broken: values.broken === true });
  process.stdout.write(`${manifest}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
