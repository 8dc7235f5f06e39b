import {
  CommitError,
  CommitStatusError,
  type Contract,
  GatewayError,
  type Proposal,
} from '@hyperledger/fabric-gateway';
import type { z } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ContractProvider } from './connection';
import { fromLedgerError, isRetryable } from './errors';

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
}

/**
 * Waits of 0.4, 0.8, 1.6 and 3.2 s: long enough for the orderers to elect a new Raft leader
 * (2.5-5 s with network/configtx.yaml's options) when the leader is lost.
 */
const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 400 };

/** A committed transaction's parsed result and its id. */
export interface Committed<T> {
  result: T;
  txId: string;
}

/**
 * Looks on the ledger for the effect of one of the given transactions, whose outcome is unknown
 * (sent, but the commit status never arrived). Answers the committed result, or undefined.
 */
export type LandedCheck<T> = (mspId: string, txIds: readonly string[]) => Promise<Committed<T> | undefined>;

/**
 * The attempts of one request that may span processes (an Idempotency-Key): the transactions an
 * earlier, crashed attempt submitted, and how to record each new one durably before it is sent.
 */
export interface Attempts {
  earlier: readonly string[];
  submitting?: ((txId: string) => Promise<void>) | undefined;
}

/** Names a transaction of a contract, with its string arguments. */
export interface TransactionCall {
  contract: string;
  transaction: string;
  args: readonly string[];
}

/** Calls any contract over the Fabric gateway, as the caller's organisation, with bounded retries. */
export interface LedgerClient {
  /** MSP ids this gateway holds an identity for. */
  mspIds(): string[];
  /**
   * Submits and waits for the commit. With `attempts`, an earlier transaction that landed (found
   * by `landed`) is answered instead of a new one, and each new one is recorded before it is sent.
   */
  submit<T>(
    mspId: string,
    call: TransactionCall,
    parse: z.ZodType<T>,
    landed?: LandedCheck<T>,
    attempts?: Attempts,
  ): Promise<Committed<T>>;
  evaluate<T>(mspId: string, call: TransactionCall, parse: z.ZodType<T>): Promise<T>;
  /** Gathers endorsements without submitting (a probe of the endorsement policy). */
  endorse(mspId: string, call: TransactionCall): Promise<void>;
  /**
   * Waits until the gateway peer of every organisation has committed the transaction, so that a
   * read by any of them sees its effect. Answers the organisations whose peer did not confirm
   * within SETTLE_TIMEOUT_MS (down or lagging); never throws.
   */
  settle(txId: string): Promise<string[]>;
}

/** How long `settle` waits for each organisation's peer. */
export const SETTLE_TIMEOUT_MS = 5_000;

/**
 * The submission, answered only once every organisation's peer has committed it (a peer that does
 * not confirm in time is logged by `settle`): the next request, evaluated on any of them, sees it.
 */
export async function settled<T>(ledger: LedgerClient, submission: Promise<Committed<T>>): Promise<Committed<T>> {
  const committed = await submission;
  await ledger.settle(committed.txId);
  return committed;
}

const utf8 = new TextDecoder();

function parseResult<T>(bytes: Uint8Array, parse: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw new AppError('INTERNAL', `unexpected ledger response to ${what}`, { cause: err });
  }
  const parsed = parse.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `unexpected ledger response to ${what}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Sent to the orderer, but whether it committed is not known. */
function outcomeUnknown(err: unknown): boolean {
  // fabric-gateway exports SubmitError as a type only; its instances carry the class name.
  return err instanceof CommitStatusError || (err instanceof GatewayError && err.name === 'SubmitError');
}

async function submitProposal(proposal: Proposal): Promise<Uint8Array> {
  const transaction = await proposal.endorse();
  const submitted = await transaction.submit();
  const status = await submitted.getStatus();
  if (!status.successful) {
    const txId = proposal.getTransactionId();
    throw new CommitError({
      code: status.code,
      transactionId: txId,
      message: `transaction ${txId} failed to commit with status code ${status.code}`,
    });
  }
  return transaction.getResult();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The LedgerClient over the connections of this gateway. */
export class FabricLedgerClient implements LedgerClient {
  constructor(
    private readonly contracts: ContractProvider,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly wait: (ms: number) => Promise<void> = sleep,
    private readonly logger?: Logger,
  ) {}

  mspIds(): string[] {
    return this.contracts.mspIds();
  }

  async submit<T>(
    mspId: string,
    call: TransactionCall,
    parse: z.ZodType<T>,
    landed?: LandedCheck<T>,
    attempts?: Attempts,
  ): Promise<Committed<T>> {
    const contract = this.contract(mspId, call.contract);
    const crashed = attempts?.earlier ?? [];
    if (landed !== undefined && crashed.length > 0) {
      // `landed` reads through `evaluate`, which already retries and maps ledger errors.
      const found = await landed(mspId, crashed);
      if (found !== undefined) return found;
    }
    const unknownOutcomes: string[] = [];
    const attempt = async (): Promise<Committed<T>> => {
      const proposal = contract.newProposal(call.transaction, { arguments: [...call.args] });
      const txId = proposal.getTransactionId();
      await attempts?.submitting?.(txId);
      try {
        return { result: parseResult(await submitProposal(proposal), parse, call.transaction), txId };
      } catch (err) {
        if (outcomeUnknown(err)) unknownOutcomes.push(txId);
        throw err;
      }
    };
    // A rejection after an unknown outcome (e.g. "already exists") may be our own earlier attempt.
    const earlier = async (): Promise<Committed<T> | undefined> =>
      landed === undefined || unknownOutcomes.length === 0 ? undefined : landed(mspId, unknownOutcomes);
    return this.retrying(attempt, earlier);
  }

  async evaluate<T>(mspId: string, call: TransactionCall, parse: z.ZodType<T>): Promise<T> {
    const contract = this.contract(mspId, call.contract);
    const bytes = await this.retrying(() => contract.evaluate(call.transaction, { arguments: [...call.args] }));
    return parseResult(bytes, parse, call.transaction);
  }

  async endorse(mspId: string, call: TransactionCall): Promise<void> {
    await this.contract(mspId, call.contract)
      .newProposal(call.transaction, { arguments: [...call.args] })
      .endorse();
  }

  async settle(txId: string): Promise<string[]> {
    const mspIds = this.contracts.mspIds();
    const outcomes = await Promise.allSettled(
      mspIds.map((mspId) => this.contracts.committedAt(mspId, txId, SETTLE_TIMEOUT_MS)),
    );
    const lagging = mspIds.filter((_, i) => outcomes[i]?.status === 'rejected');
    if (lagging.length > 0) this.logger?.warn('peers did not confirm a commit in time', { txId, lagging });
    return lagging;
  }

  /**
   * Runs `work` until it succeeds, fails with something not retryable, or the attempts run out.
   * Before giving up, `recover` may find that an earlier attempt succeeded after all.
   */
  private async retrying<R>(work: () => Promise<R>, recover?: () => Promise<R | undefined>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const retry = isRetryable(err) && attempt < this.retry.attempts;
        const recovered = retry || recover === undefined ? undefined : await recover().catch(() => undefined);
        if (recovered !== undefined) return recovered;
        if (!retry) throw fromLedgerError(err);
        await this.wait(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private contract(mspId: string, name: string): Contract {
    const contract = this.contracts.contract(mspId, name);
    if (!contract) {
      throw new AppError('FORBIDDEN', `organisation ${mspId} has no ledger identity on this gateway`);
    }
    return contract;
  }
}
