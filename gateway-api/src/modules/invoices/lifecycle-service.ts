/**
 * The lifecycle use cases: payers lock, reimburse, unlock and write off; issuers void. The
 * gateway checks the user's role to answer early; the chaincode enforces every rule itself.
 */
import { mayReimburse, type InvoiceId } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import { type InvoiceView, toInvoiceView } from './view';
import type { LifecycleInput, LifecycleLedger, LifecycleTransaction } from '../../fabric/lifecycle-ledger';
import type { Logger } from '../../logger';
import { canIssueInvoices, type User } from '../auth/roles';

export interface LockRequest {
  claimId: string;
  amount: number;
  ttlSeconds: number;
}

export interface LifecycleResult {
  invoice: InvoiceView;
  txId: string;
}

function requirePayer(user: User): void {
  if (user.role !== 'reimbursement_officer' || !mayReimburse(user.mspId)) {
    throw new AppError(
      'FORBIDDEN',
      `only reimbursement officers of the medical-insurance bureau or an insurer do this (${user.mspId}, ${user.role})`,
    );
  }
}

function requireIssuerClerk(user: User): void {
  if (!canIssueInvoices(user)) {
    throw new AppError(
      'FORBIDDEN',
      `only billing clerks of the issuing hospital do this (${user.mspId}, ${user.role})`,
    );
  }
}

export class LifecycleService {
  constructor(private readonly deps: { ledger: LifecycleLedger; logger: Logger }) {}

  lock(user: User, id: InvoiceId, request: LockRequest): Promise<LifecycleResult> {
    requirePayer(user);
    return this.apply(user, 'Lock', { ...id, actor: user.username, ...request });
  }

  reimburse(user: User, id: InvoiceId, claimId: string, amount: number): Promise<LifecycleResult> {
    requirePayer(user);
    return this.apply(user, 'Reimburse', { ...id, actor: user.username, claimId, amount });
  }

  unlock(user: User, id: InvoiceId, claimId: string, reason: string): Promise<LifecycleResult> {
    requirePayer(user);
    return this.apply(user, 'Unlock', { ...id, actor: user.username, claimId, reason });
  }

  writeOff(user: User, id: InvoiceId, reason: string): Promise<LifecycleResult> {
    requirePayer(user);
    return this.apply(user, 'WriteOff', { ...id, actor: user.username, reason });
  }

  void(user: User, id: InvoiceId, reason: string): Promise<LifecycleResult> {
    requireIssuerClerk(user);
    return this.apply(user, 'Void', { ...id, actor: user.username, reason });
  }

  private async apply<T extends LifecycleTransaction>(
    user: User,
    transaction: T,
    input: LifecycleInput<T>,
  ): Promise<LifecycleResult> {
    const { invoice, txId } = await this.deps.ledger.apply(user.mspId, transaction, input);
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
