/**
 * Throttling of failed logins per account, on top of the per-IP request limit:
 *
 * - per account and client address (an IPv6 client by its /64): 5 failures are free, then each
 *   attempt waits 1 s after the last failure, doubling with every further failure up to 15 minutes;
 * - per account, from all addresses together: 20 failures are free, then 1 s doubling up to 60 s.
 *   Addresses the account logged in from successfully in the last 30 days are exempt from it;
 * - an attempt refused for waiting is not counted and does not lengthen any wait, so hammering
 *   gains nothing; there is never a lockout, only waits;
 * - a successful login clears the failures of the account and of its address;
 * - failures are forgotten an hour after the last one.
 *
 * So an attacker at one address soon gets one guess per 15 minutes, and after each of them the
 * account waits at most 60 s for everybody else: a user at another address is never kept out for
 * longer than that. An attempt counts as a failure from the moment it is admitted until it
 * succeeds, so concurrent guesses cannot slip through together.
 */

export interface BackoffRule {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
}

export interface LoginThrottleOptions {
  perAccountAndAddress: BackoffRule;
  perAccount: BackoffRule;
  /** Failures are forgotten this long after the last one. */
  forgetAfterMs: number;
  /** How long a successful login exempts its address from the per-account rule. */
  trustForMs: number;
  /** Most entries kept in each table (failures per pair, per account, trusted pairs); the oldest go first. */
  maxEntries: number;
  now: () => number;
}

const MINUTE_MS = 60_000;

export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleOptions = {
  perAccountAndAddress: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE_MS },
  perAccount: { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: MINUTE_MS },
  forgetAfterMs: 60 * MINUTE_MS,
  trustForMs: 30 * 24 * 60 * MINUTE_MS,
  maxEntries: 100_000,
  now: () => Date.now(),
};

interface Failures {
  count: number;
  lastAt: number;
}

/** A Map that keeps at most `max` entries, dropping the least recently written. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The wait a rule imposes after `count` failures: none for the free ones, then doubling, capped. */
export function backoffDelay(count: number, rule: BackoffRule): number {
  if (count < rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(count - rule.freeFailures, 40));
}

/** The 16 bits groups of an IPv6 address (an embedded IPv4 address counts as two). */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const split = (part: string | undefined) =>
    part === undefined || part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const left = split(head);
  const right = split(tail);
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right];
}

/** The client address a count is kept for: IPv4 as is (IPv4-mapped too), IPv6 by its /64. */
export function addressKey(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const address = ip.split('%')[0] ?? ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!address.includes(':')) return address;
  const prefix = ipv6Groups(address)
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

export class LoginThrottle {
  private readonly options: LoginThrottleOptions;
  private readonly pairs: BoundedMap<Failures>;
  private readonly accounts: BoundedMap<Failures>;
  private readonly trusted: BoundedMap<number>;

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...LOGIN_THROTTLE_DEFAULTS, ...options };
    this.pairs = new BoundedMap(this.options.maxEntries);
    this.accounts = new BoundedMap(this.options.maxEntries);
    this.trusted = new BoundedMap(this.options.maxEntries);
  }

  /**
   * Admits a login attempt (`retryAfterMs` 0), counting it as failed until {@link succeeded} is
   * called, or tells how long to wait first; a refused attempt is not counted.
   */
  admit(account: string, ip: string | undefined): { retryAfterMs: number } {
    const now = this.options.now();
    const pair = pairKey(account, ip);
    const pairWait = this.wait(this.pairs, pair, this.options.perAccountAndAddress, now);
    const accountWait = this.isTrusted(pair, now) ? 0 : this.wait(this.accounts, account, this.options.perAccount, now);
    const retryAfterMs = Math.max(pairWait, accountWait);
    if (retryAfterMs === 0) {
      this.count(this.pairs, pair, now);
      this.count(this.accounts, account, now);
    }
    return { retryAfterMs };
  }

  /** The admitted attempt succeeded: clears the failures, trusts the address for the account. */
  succeeded(account: string, ip: string | undefined): void {
    const pair = pairKey(account, ip);
    this.pairs.delete(pair);
    this.accounts.delete(account);
    this.trusted.set(pair, this.options.now() + this.options.trustForMs);
  }

  /** Entries kept in all tables (bounded by 3 × maxEntries). */
  size(): number {
    return this.pairs.size + this.accounts.size + this.trusted.size;
  }

  private wait(table: BoundedMap<Failures>, key: string, rule: BackoffRule, now: number): number {
    const failures = table.get(key);
    if (failures === undefined) return 0;
    if (now - failures.lastAt >= this.options.forgetAfterMs) {
      table.delete(key);
      return 0;
    }
    return Math.max(0, failures.lastAt + backoffDelay(failures.count, rule) - now);
  }

  private count(table: BoundedMap<Failures>, key: string, now: number): void {
    const count = (table.get(key)?.count ?? 0) + 1;
    table.set(key, { count, lastAt: now });
  }

  private isTrusted(pair: string, now: number): boolean {
    const until = this.trusted.get(pair);
    return until !== undefined && until > now;
  }
}

/** Unambiguous key of an (account, client address) pair. */
function pairKey(account: string, ip: string | undefined): string {
  return JSON.stringify([account, addressKey(ip)]);
}
