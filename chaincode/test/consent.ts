/** Residents, keys and signed consent operations for tests, signed the way a resident's phone signs. */
import { SM2_USER_ID, canonicalJson } from '@hdt/vocabulary';
import type { Context } from 'fabric-contract-api';
import { sm2 } from 'sm-crypto-v2';
import { ConsentContract } from '../src/contracts/consent-contract';
import { sm3 } from './fixtures';
import { InMemoryLedger } from './in-memory-ledger';

export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** A fixed key pair per label, so failures are reproducible (signatures still use a random k). */
export function keyPair(label: string): KeyPair {
  const privateKey = sm3(`test key ${label}`);
  return { privateKey, publicKey: sm2.getPublicKeyFromPrivateKey(privateKey) };
}

/** The resident's signature over the payload's canonical encoding: SM2 with SM3, default id, DER hex. */
export function sign(payload: object, key: KeyPair): string {
  return sm2.doSignature(canonicalJson(payload), key.privateKey, { hash: true, der: true, userId: SM2_USER_ID });
}

export const RESIDENT_A = sm3('resident A');
export const RESIDENT_B = sm3('resident B');
export const KEY_A = keyPair('A');
export const KEY_B = keyPair('B');
export const KEY_A2 = keyPair('A2');
export const KEY_MALLORY = keyPair('mallory');

type Payload = Record<string, unknown>;

/** The grant terms a test starts from: treatment by one doctor of Hospital2, for a year. */
export function grantTerms(overrides: Payload = {}): Payload {
  return {
    grantId: 'g-0001',
    grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: ['LAB_REPORT', 'DISCHARGE_SUMMARY'], recordIds: [], fields: ['diagnosis', 'labResults'] },
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    useLimit: null,
    ...overrides,
  };
}

/**
 * A ledger with the consent contract and a clock the test controls: each transaction is one
 * second after the previous one, and payloads are signed "now".
 */
export class ConsentBench {
  readonly ledger = new InMemoryLedger();
  readonly contract = new ConsentContract();
  /** Seconds since the epoch of the next transaction. */
  now = Date.UTC(2026, 0, 5, 9, 0, 0) / 1000;
  private nonces = 0;

  nonce(): string {
    this.nonces += 1;
    return this.nonces.toString(16).padStart(32, '0');
  }

  /** The next transaction's time, plus `offsetSeconds`. */
  signedAt(offsetSeconds = 0): string {
    return new Date((this.now + 1 + offsetSeconds) * 1000).toISOString();
  }

  async invoke(mspId: string, run: (ctx: Context, contract: ConsentContract) => Promise<string>): Promise<string> {
    this.now += 1;
    return this.ledger.invoke(mspId, (ctx) => run(ctx, this.contract), { seconds: this.now, nanos: 0 });
  }

  header(op: string, residentId: string, extra: Payload = {}): Payload {
    return { op, v: 1, residentId, nonce: this.nonce(), signedAt: this.signedAt(), ...extra };
  }

  async register(residentId = RESIDENT_A, key = KEY_A, mspId = 'HealthCommMSP'): Promise<string> {
    const payload = this.header('resident-key.register', residentId, { publicKey: key.publicKey });
    const input = JSON.stringify({ payload, signature: sign(payload, key), actor: 'hc.registrar' });
    return this.invoke(mspId, (ctx, c) => c.RegisterResidentKey(ctx, input));
  }

  grantPayload(terms: Payload = grantTerms(), residentId = RESIDENT_A, keyVersion = 1): Payload {
    return this.header('consent.grant', residentId, { keyVersion, grant: terms });
  }

  async submit(
    transaction: 'Grant' | 'Change' | 'Revoke' | 'RotateResidentKey',
    input: Payload,
    mspId = 'Hospital2MSP',
  ): Promise<string> {
    const text = JSON.stringify(input);
    return this.invoke(mspId, (ctx, c) => c[transaction](ctx, text));
  }

  async grant(terms: Payload = grantTerms(), key = KEY_A, residentId = RESIDENT_A): Promise<string> {
    const payload = this.grantPayload(terms, residentId);
    return this.submit('Grant', { payload, signature: sign(payload, key) });
  }

  async revoke(grantId: string, version: number, key = KEY_A, residentId = RESIDENT_A): Promise<string> {
    const payload = this.header('consent.revoke', residentId, { keyVersion: 1, grantId, version });
    return this.submit('Revoke', { payload, signature: sign(payload, key) });
  }

  /** The committed value at a composite key, as text ("" when absent). */
  stored(objectType: string, ...attributes: string[]): string {
    const key = `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
    return Buffer.from(this.ledger.committed(key) ?? []).toString('utf8');
  }
}
