/**
 * What this process remembers to verify an invoice again cheaply: its salt and iteration count
 * (fixed at issue), and the derivations of check codes the ledger has confirmed. A reimburser
 * checks an invoice at intake and again when it claims it; only the first costs a derivation.
 * A derivation is found by an HMAC-SM3 of invoice, salt, iterations and check code under a key
 * made at start and never stored, so the cache holds no check code, and nothing in it helps
 * outside this process. Wrong check codes are never kept; the least recently used entries leave
 * first once a cache is full. Requests that arrive while the same derivation runs wait for it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CheckCodeProtection, InvoiceId } from '@hdt/vocabulary';
import { deriveCheckCodeHash } from './check-code';

export type Protection = Pick<CheckCodeProtection, 'checkCodeSalt' | 'checkCodeIterations'>;

/** A map that forgets its least recently used entry beyond `capacity`. */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}

/** A check code's hash, and how to keep it once the ledger has confirmed it. */
export interface Derivation {
  hash: string;
  /** True when it came from the cache (no derivation ran). */
  remembered: boolean;
  confirm(): void;
}

export class CheckCodeDerivations {
  private readonly key = randomBytes(32);
  private readonly protections: LruMap<string, Protection>;
  private readonly confirmed: LruMap<string, string>;
  /** Derivations running now: requests for the same check code of an invoice share one. */
  private readonly running = new Map<string, Promise<string>>();

  constructor(
    capacity = 10_000,
    private readonly kdf: typeof deriveCheckCodeHash = deriveCheckCodeHash,
  ) {
    this.protections = new LruMap(capacity);
    this.confirmed = new LruMap(capacity);
  }

  protectionOf(id: InvoiceId): Protection | undefined {
    return this.protections.get(`${id.code}/${id.number}`);
  }

  rememberProtection(id: InvoiceId, protection: Protection): void {
    const { checkCodeSalt, checkCodeIterations } = protection;
    this.protections.set(`${id.code}/${id.number}`, { checkCodeSalt, checkCodeIterations });
  }

  /** True when the ledger has confirmed this check code of the invoice (its protection remembered). */
  remembers(id: InvoiceId, checkCode: string): boolean {
    const protection = this.protectionOf(id);
    return protection !== undefined && this.confirmed.get(this.slot(id, checkCode, protection)) !== undefined;
  }

  async derive(id: InvoiceId, checkCode: string, protection: Protection): Promise<Derivation> {
    const slot = this.slot(id, checkCode, protection);
    const known = this.confirmed.get(slot);
    if (known !== undefined) return { hash: known, remembered: true, confirm: () => undefined };
    let running = this.running.get(slot);
    if (running === undefined) {
      running = this.kdf(id, checkCode, protection.checkCodeSalt, protection.checkCodeIterations).finally(() =>
        this.running.delete(slot),
      );
      this.running.set(slot, running);
    }
    const hash = await running;
    return { hash, remembered: false, confirm: () => this.confirmed.set(slot, hash) };
  }

  /** A hash known without deriving (the guess matched the anchored check code), kept once confirmed. */
  known(id: InvoiceId, checkCode: string, protection: Protection, hash: string): Derivation {
    const slot = this.slot(id, checkCode, protection);
    return { hash, remembered: false, confirm: () => this.confirmed.set(slot, hash) };
  }

  private slot(id: InvoiceId, checkCode: string, protection: Protection): string {
    const { checkCodeSalt, checkCodeIterations } = protection;
    return createHmac('sm3', this.key)
      .update(JSON.stringify([id.code, id.number, checkCodeSalt, checkCodeIterations, checkCode]))
      .digest('base64');
  }
}
