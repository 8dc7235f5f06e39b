/** What the invoice card computes: which locks still hold, and what is left to lock or pay. */
import type { InvoiceLock } from '@hdt/vocabulary';
import type { InvoiceSummary } from './parse.js';

const TERMINAL = ['RED_FLUSHED', 'VOIDED', 'WRITTEN_OFF'];

/** An active lock before its expiry; past it, it no longer holds anything. */
export function isLive(lock: InvoiceLock, now: number): boolean {
  return lock.state === 'ACTIVE' && Date.parse(lock.expiresAt) > now;
}

/** What locks hold now, and what is left to lock or pay (nothing once the invoice is closed). */
export function claimAmounts(invoice: InvoiceSummary, now: number): { locked: number; available: number } {
  const locked = invoice.locks.filter((lock) => isLive(lock, now)).reduce((sum, lock) => sum + lock.amount, 0);
  const open = !TERMINAL.includes(invoice.status);
  const available = open ? Math.max(0, invoice.reimbursableAmount - invoice.reimbursedAmount - locked) : 0;
  return { locked, available };
}
