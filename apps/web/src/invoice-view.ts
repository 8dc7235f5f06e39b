/** An invoice as the pages show it: summary, amounts, the claims of every payer, and its history. */
import type { InvoiceLock } from '@hdt/vocabulary';
import { type Child, h, table } from './dom.js';
import { formatFen, formatTime, shortId } from './format.js';
import { pick, t } from './i18n.js';
import { KIND_LABELS, LOCK_STATE_LABELS, OPERATION_LABELS, TYPE_LABELS } from './labels.js';
import { orgName, statusName } from './names.js';
import type { HistoryItem, InvoiceSummary } from './parse.js';
import type { TextKey } from './texts.js';

const TERMINAL = ['RED_FLUSHED', 'VOIDED', 'WRITTEN_OFF'];

export interface InvoiceViewOptions {
  /** Adds a button to each active lock that hands it to the caller (to reimburse or unlock it). */
  readonly onUseLock?: (lock: InvoiceLock) => void;
  /** The reader's clock, in ms; a lock past its expiry no longer holds anything. */
  readonly now?: number;
}

function isLive(lock: InvoiceLock, now: number): boolean {
  return lock.state === 'ACTIVE' && Date.parse(lock.expiresAt) > now;
}

/** What locks hold now, and what is left to lock or pay (nothing once the invoice is closed). */
export function claimAmounts(invoice: InvoiceSummary, now: number): { locked: number; available: number } {
  const locked = invoice.locks.filter((lock) => isLive(lock, now)).reduce((sum, lock) => sum + lock.amount, 0);
  const open = !TERMINAL.includes(invoice.status);
  const available = open ? Math.max(0, invoice.reimbursableAmount - invoice.reimbursedAmount - locked) : 0;
  return { locked, available };
}

function pairs(entries: ReadonlyArray<readonly [TextKey, Child, string?]>, className: string): HTMLElement {
  const list = h('dl', { class: className });
  for (const [key, value, id] of entries) {
    list.append(h('dt', { text: t(key) }), h('dd', id === undefined ? {} : { id }, value));
  }
  return list;
}

function txCode(txId: string): HTMLElement {
  return h('code', { text: shortId(txId), attrs: { title: txId } });
}

function summary(invoice: InvoiceSummary): HTMLElement {
  const link = invoice.linkedInvoice;
  return pairs(
    [
      ['field.type', pick(TYPE_LABELS[invoice.type])],
      ['field.kind', invoice.kind === undefined ? '—' : pick(KIND_LABELS[invoice.kind])],
      ['field.issuingUnit', invoice.issuingUnit, 'invoice-issuing-unit'],
      ['field.issuerMsp', orgName(invoice.issuerMsp)],
      ['field.issuedAt', formatTime(invoice.issuedAt)],
      ['field.linkedInvoice', link ? `${link.code}-${link.number}` : t('common.none')],
      ['field.revision', invoice.revision === undefined ? '—' : String(invoice.revision)],
      ['field.updatedAt', formatTime(invoice.updatedAt)],
      ['field.lastTxId', txCode(invoice.lastTxId)],
    ],
    'fields',
  );
}

function amounts(invoice: InvoiceSummary, now: number): HTMLElement {
  const { locked, available } = claimAmounts(invoice, now);
  const p = invoice.payment;
  return pairs(
    [
      ['field.totalAmount', formatFen(invoice.totalAmount), 'amount-total'],
      ['field.medicalInsuranceFund', formatFen(p.medicalInsuranceFund)],
      ['field.personalAccount', formatFen(p.personalAccount)],
      ['field.otherFund', formatFen(p.otherFund)],
      ['field.selfPay', formatFen(p.selfPay)],
      ['field.reimbursableAmount', formatFen(invoice.reimbursableAmount), 'amount-reimbursable'],
      ['field.reimbursedAmount', formatFen(invoice.reimbursedAmount), 'amount-reimbursed'],
      ['field.lockedAmount', formatFen(locked), 'amount-locked'],
      ['field.availableAmount', formatFen(available), 'amount-available'],
    ],
    'fields amounts',
  );
}

function lockState(lock: InvoiceLock, now: number): string {
  const state = pick(LOCK_STATE_LABELS[lock.state]);
  return lock.state === 'ACTIVE' && !isLive(lock, now) ? `${state}（${t('common.expired')}）` : state;
}

function locksTable(invoice: InvoiceSummary, options: InvoiceViewOptions, now: number): HTMLElement {
  const use = options.onUseLock;
  const rows = invoice.locks.map((lock): Child[] => [
    lock.claimId,
    orgName(lock.holderMsp),
    lock.actor,
    formatFen(lock.amount),
    formatTime(lock.lockedAt),
    formatTime(lock.expiresAt),
    lockState(lock, now),
    use !== undefined && isLive(lock, now)
      ? h('button', { class: 'small', text: t('common.use'), attrs: { type: 'button' }, onClick: () => use(lock) })
      : '',
  ]);
  const headers: TextKey[] = [
    'field.claimId',
    'field.payerOrg',
    'field.actor',
    'field.amountYuan',
    'field.lockedAt',
    'field.expiresAt',
    'field.lockState',
  ];
  const el = table([...headers.map((key) => t(key)), ''], rows, t('common.none'));
  el.id = 'locks';
  return el;
}

function reimbursementsTable(invoice: InvoiceSummary): HTMLElement {
  const rows = invoice.reimbursements.map((r): Child[] => [
    r.claimId,
    orgName(r.payerMsp),
    r.actor,
    formatFen(r.amount),
    formatTime(r.at),
    txCode(r.txId),
  ]);
  const headers: TextKey[] = [
    'field.claimId',
    'field.payerOrg',
    'field.actor',
    'field.amountYuan',
    'field.paidAt',
    'field.txId',
  ];
  const el = table(
    headers.map((key) => t(key)),
    rows,
    t('common.none'),
  );
  el.id = 'reimbursements';
  return el;
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}`, text: statusName(status), attrs: { 'data-status': status } });
}

/** The invoice card: `#invoice-card` carries data-status, data-code and data-number. */
export function renderInvoice(invoice: InvoiceSummary, options: InvoiceViewOptions = {}): HTMLElement {
  const now = options.now ?? Date.now();
  return h(
    'article',
    {
      id: 'invoice-card',
      class: 'invoice',
      attrs: { 'data-status': invoice.status, 'data-code': invoice.code, 'data-number': invoice.number },
    },
    h(
      'header',
      {},
      h('h3', { text: t('invoice.title', { code: invoice.code, number: invoice.number }) }),
      statusBadge(invoice.status),
    ),
    summary(invoice),
    h('h4', { text: t('invoice.amounts') }),
    amounts(invoice, now),
    h('h4', { text: t('invoice.claims') }),
    h('h5', { text: t('invoice.locks') }),
    locksTable(invoice, options, now),
    h('h5', { text: t('invoice.reimbursements') }),
    reimbursementsTable(invoice),
    pairs(
      [
        ['field.pdfDigest', h('code', { text: invoice.pdfDigest })],
        ['field.dataDigest', h('code', { text: invoice.dataDigest })],
      ],
      'fields digests',
    ),
  );
}

/** The on-chain history, oldest first: who did what, when, in which transaction. */
export function renderHistory(items: readonly HistoryItem[]): HTMLElement {
  const rows = items.map((item): Child[] => {
    const op = item.operation;
    return [
      formatTime(op?.timestamp ?? item.timestamp),
      op === undefined ? '—' : pick(OPERATION_LABELS[op.operation]),
      op === undefined ? '—' : orgName(op.mspId),
      op?.actor ?? '—',
      item.status === undefined ? '—' : statusName(item.status),
      op?.reason ?? '',
      txCode(item.txId),
    ];
  });
  const headers: TextKey[] = [
    'field.time',
    'field.operation',
    'field.org',
    'field.actor',
    'field.status',
    'field.reason',
    'field.txId',
  ];
  const el = table(
    headers.map((key) => t(key)),
    rows,
    t('common.none'),
  );
  el.id = 'history';
  return el;
}
