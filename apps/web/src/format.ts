/** Amounts (integer fen shown as yuan) and times, in the page language. */
import { lang } from './i18n.js';

const YUAN = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** `123456` → `¥1,234.56`. Integer arithmetic only: fen never pass through a fraction. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** A count of invoices or reimbursements: `12345` → `12,345`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** `1234.5` → `"1234.50"`, the value of an amount field. */
export function yuanText(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** An amount typed in yuan (`12`, `12.3`, `12.30`) as fen, or undefined when it is not one. */
export function parseYuan(text: string): number | undefined {
  const match = YUAN.exec(text.trim().replace(/,/g, ''));
  if (match === null) return undefined;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/** An ISO time in the reader's time zone, or the text itself when it is not a time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

/** The first and last characters of a long identifier (transaction ids, digests). */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}
