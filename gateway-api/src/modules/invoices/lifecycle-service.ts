/**
 * The lifecycle use cases: payers lock, reimburse, unlock and write off; issuers void. The
 * gateway checks the user's role to answer early; the chaincode enforces every rule itself.
 */
import { mayReimburse, type InvoiceId } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import { type Idempotent, type IdempotencyDeps, writeOnce } from './idempotency';
import { lifecycleResultSchema, toInvoiceView, type LifecycleResult } from './view';
import type { Attempts } from '../../fabric/ledger-client';
import type { LifecycleInput, LifecycleLedger, LifecycleTransaction } from '../../fabric/lifecycle-ledger';
import { canIssueInvoices, type User } from '../auth/roles';

export interface LockRequest {
  claimId: string;
  amount: number;
  ttlSeconds: number;
}

/** An invoice's claim: the lock a payer holds under its claim id. */
export interface ClaimId extends InvoiceId {
  claimId: string;
}

function requirePayer(user: User): void {
  if (user.role !== 'reimbursement_officer' || !mayReimburse(user.mspId)) {
    throw new AppError(
      'FORBIDDEN',
      `only reimbursement officers of the medical-insurance bureau or an insurer do this (${user.mspId}, ${user.role})`,
    );
  }
}

/** Refuses anyone but a billing clerk of a hospital (the chaincode checks that the hospital issued the invoice). */
export function requireIssuerClerk(user: User, doing: string): void {
  if (!canIssueInvoices(user)) {
    throw new AppError(
      'FORBIDDEN',
      `only billing clerks of the issuing hospital ${doing} (${user.mspId}, ${user.role})`,
    );
  }
}

/** Points of a lifecycle operation where a crash test may stop the process: after the commit, before the answer. */
export const LIFECYCLE_POINTS = ['committed'] as const;
export type LifecyclePoint = (typeof LIFECYCLE_POINTS)[number];

export interface LifecycleDeps extends IdempotencyDeps {
  ledger: LifecycleLedger;
  /** Called when an operation passes a point (crash tests stop the process here). */
  reached?: ((point: LifecyclePoint) => void) | undefined;
}

/** What a lifecycle operation or an update answers: 200 with the invoice as committed. */
export const LIFECYCLE_ANSWER = { status: 200, schema: lifecycleResultSchema };

/** Each operation runs once per Idempotency-Key (`key`): a retry gets the first answer, not a second transaction. */
export class LifecycleService {
  constructor(private readonly deps: LifecycleDeps) {}

  lock(user: User, id: InvoiceId, request: LockRequest, key?: string): Promise<Idempotent<LifecycleResult>> {
    requirePayer(user);
    return this.apply(user, 'Lock', { ...id, actor: user.username, ...request }, key);
  }

  reimburse(user: User, claim: ClaimId, amount: number, key?: string): Promise<Idempotent<LifecycleResult>> {
    requirePayer(user);
    return this.apply(user, 'Reimburse', { ...claim, actor: user.username, amount }, key);
  }

  unlock(user: User, claim: ClaimId, reason: string, key?: string): Promise<Idempotent<LifecycleResult>> {
    requirePayer(user);
    return this.apply(user, 'Unlock', { ...claim, actor: user.username, reason }, key);
  }

  writeOff(user: User, id: InvoiceId, reason: string, key?: string): Promise<Idempotent<LifecycleResult>> {
    requirePayer(user);
    return this.apply(user, 'WriteOff', { ...id, actor: user.username, reason }, key);
  }

  void(user: User, id: InvoiceId, reason: string, key?: string): Promise<Idempotent<LifecycleResult>> {
    requireIssuerClerk(user, 'void an invoice');
    return this.apply(user, 'Void', { ...id, actor: user.username, reason }, key);
  }

  /** The transaction and its input (the invoice, the claim, the body and the user) are what a key's request is. */
  private apply<T extends LifecycleTransaction>(
    user: User,
    transaction: T,
    input: LifecycleInput<T>,
    key: string | undefined,
  ): Promise<Idempotent<LifecycleResult>> {
    const request = { scope: user.username, key, request: { transaction, input } };
    return writeOnce(this.deps, request, LIFECYCLE_ANSWER, (attempts) =>
      this.submit(user, transaction, input, attempts),
    );
  }

  private async submit<T extends LifecycleTransaction>(
    user: User,
    transaction: T,
    input: LifecycleInput<T>,
    attempts: Attempts,
  ): Promise<LifecycleResult> {
    const { invoice, txId } = await this.deps.ledger.apply(user.mspId, transaction, input, attempts);
    this.deps.reached?.('committed');
    this.deps.logger.info('invoice lifecycle operation committed', {
      operation: transaction,
      code: input.code,
      number: input.number,
      user: user.username,
      txId,
    });
    return { invoice: toInvoiceView(invoice), txId };
  }
}
