/**
 * The real `invoice` contract of the chaincode, run over the chaincode's in-memory ledger, behind
 * the Fabric gateway client API, for unit tests. Errors are shaped like the real gateway's
 * (EndorseError / GatewayError whose details carry `chaincode response 500, CODE: text`), and
 * faults can be injected at each stage of a submit or an evaluate.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  CommitStatusError,
  EndorseError,
  GatewayError,
  type Contract,
  type Proposal,
  type ProposalOptions,
  type Status,
  StatusCode,
  type SubmittedTransaction,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import type { Context } from 'fabric-contract-api';
import { InvoiceContract } from '../../chaincode/dist/contracts/invoice-contract';
import { InMemoryLedger } from '../../chaincode/test/in-memory-ledger';
import type { ContractProvider } from '../src/fabric/connection';
import { onChainInvoiceSchema, type OnChainInvoice } from '../src/fabric/invoice-ledger';

function serviceError(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

/** A fault to inject into the next submit: at which stage and how. */
export type Fault =
  | { stage: 'endorse'; kind: 'unavailable' }
  | { stage: 'commit'; kind: 'mvcc' }
  | { stage: 'commitStatus'; kind: 'unavailable-after-commit' }
  | { stage: 'evaluate'; kind: 'unavailable' };

type InvoiceTransaction = 'Issue' | 'Read' | 'Verify' | 'History';
const TRANSACTIONS: readonly string[] = ['Issue', 'Read', 'Verify', 'History'];

function run(contract: InvoiceContract, name: InvoiceTransaction, ctx: Context, args: readonly string[]) {
  const [a = '', b = '', c = '', d = '', e = ''] = args;
  switch (name) {
    case 'Issue':
      return contract.Issue(ctx, a);
    case 'Read':
      return contract.Read(ctx, a, b);
    case 'Verify':
      return contract.Verify(ctx, a, b, c, d, e);
    case 'History':
      return contract.History(ctx, a, b);
  }
}

/** The chaincode's invoice contract over an in-memory ledger, with injectable faults. */
export class ChaincodeNetwork {
  readonly ledger = new InMemoryLedger();
  private readonly contract = new InvoiceContract();
  /** Names of committed transactions, in order. */
  readonly committed: string[] = [];
  /** Names of evaluated queries, in order. */
  readonly evaluated: string[] = [];
  readonly faults: Fault[] = [];

  takeFault(stage: Fault['stage']): Fault | undefined {
    const index = this.faults.findIndex((f) => f.stage === stage);
    return index === -1 ? undefined : this.faults.splice(index, 1)[0];
  }

  hasFault(stage: Fault['stage']): boolean {
    return this.faults.some((f) => f.stage === stage);
  }

  /** Runs a transaction function as one ledger transaction; its writes commit when it succeeds. */
  async run(mspId: string, name: string, args: readonly string[], txId: string): Promise<Uint8Array> {
    if (!TRANSACTIONS.includes(name)) throw new Error(`INVALID_ARGUMENT: unknown function ${name}`);
    const result = await this.ledger.invoke(mspId, (ctx) => run(this.contract, name as InvoiceTransaction, ctx, args), {
      txId,
    });
    return Buffer.from(result, 'utf8');
  }

  /** The committed invoice, read as the chaincode stored it. */
  invoice(code: string, number: string): OnChainInvoice | undefined {
    const bytes = this.ledger.committed(this.key(code, number));
    return bytes === undefined
      ? undefined
      : onChainInvoiceSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  }

  /** Overwrites the stored invoice as if an earlier transaction had written `value`. */
  overwrite(code: string, number: string, value: unknown): void {
    this.ledger.seed(this.key(code, number), JSON.stringify(value));
  }

  private key(code: string, number: string): string {
    return `\u0000invoice\u0000${code}\u0000${number}\u0000`;
  }
}

const emptyBytes = new Uint8Array(0);

function chaincodeFailure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class InMemoryContract implements Contract {
  constructor(
    private readonly chaincode: ChaincodeNetwork,
    private readonly mspId: string,
    private readonly contractName: string,
  ) {}

  getChaincodeName(): string {
    return 'hdt';
  }

  getContractName(): string {
    return this.contractName;
  }

  evaluateTransaction(name: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return this.evaluate(name, { arguments: args });
  }

  async submitTransaction(name: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return this.submit(name, { arguments: args });
  }

  evaluate(transactionName: string, options?: ProposalOptions): Promise<Uint8Array> {
    return this.newProposal(transactionName, options).evaluate();
  }

  async submit(transactionName: string, options?: ProposalOptions): Promise<Uint8Array> {
    const submitted = await this.submitAsync(transactionName, options);
    await submitted.getStatus();
    return submitted.getResult();
  }

  async submitAsync(transactionName: string, options?: ProposalOptions): Promise<SubmittedTransaction> {
    const transaction = await this.newProposal(transactionName, options).endorse();
    return transaction.submit();
  }

  newProposal(transactionName: string, options?: ProposalOptions): Proposal {
    const chaincode = this.chaincode;
    const mspId = this.mspId;
    const fullName = transactionName;
    const args = (options?.arguments ?? []).map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8')));
    const txId = randomBytes(32).toString('hex');
    const detail = (message: string) => [{ address: 'peer0.fake:7051', mspId, message }];

    return {
      getBytes: () => emptyBytes,
      getDigest: () => emptyBytes,
      getTransactionId: () => txId,
      evaluate: async () => {
        chaincode.evaluated.push(fullName);
        if (chaincode.takeFault('evaluate')) {
          const message = '14 UNAVAILABLE: connection refused';
          throw new GatewayError({
            code: grpc.status.UNAVAILABLE,
            details: [],
            cause: serviceError(grpc.status.UNAVAILABLE, message),
            message,
          });
        }
        try {
          return await chaincode.run(mspId, fullName, args, txId);
        } catch (err) {
          const text = `chaincode response 500, ${chaincodeFailure(err)}`;
          const message = `2 UNKNOWN: evaluate call to endorser returned error: ${text}`;
          throw new GatewayError({
            code: grpc.status.UNKNOWN,
            details: detail(text),
            cause: serviceError(grpc.status.UNKNOWN, message),
            message,
          });
        }
      },
      endorse: async (): Promise<Transaction> => {
        if (chaincode.takeFault('endorse')) {
          const message = '14 UNAVAILABLE: no peers available';
          throw new EndorseError({
            code: grpc.status.UNAVAILABLE,
            details: detail('rpc error: code = Unavailable desc = connection refused'),
            cause: serviceError(grpc.status.UNAVAILABLE, message),
            transactionId: txId,
            message,
          });
        }
        // A transaction about to lose an MVCC conflict is endorsed but never takes effect.
        let result: Uint8Array = emptyBytes;
        try {
          if (!chaincode.hasFault('commit')) result = await chaincode.run(mspId, fullName, args, txId);
        } catch (err) {
          const message = '10 ABORTED: failed to endorse transaction, see attached details for more info';
          throw new EndorseError({
            code: grpc.status.ABORTED,
            details: detail(`chaincode response 500, ${chaincodeFailure(err)}`),
            cause: serviceError(grpc.status.ABORTED, message),
            transactionId: txId,
            message,
          });
        }
        return {
          getBytes: () => emptyBytes,
          getDigest: () => emptyBytes,
          getResult: () => result,
          getTransactionId: () => txId,
          submit: async (): Promise<SubmittedTransaction> => ({
            getBytes: () => emptyBytes,
            getDigest: () => emptyBytes,
            getResult: () => result,
            getTransactionId: () => txId,
            getStatus: async (): Promise<Status> => {
              if (chaincode.takeFault('commit')) {
                return { blockNumber: 7n, code: StatusCode.MVCC_READ_CONFLICT, successful: false, transactionId: txId };
              }
              chaincode.committed.push(fullName);
              if (chaincode.takeFault('commitStatus')) {
                const message = '14 UNAVAILABLE: connection reset';
                throw new CommitStatusError({
                  code: grpc.status.UNAVAILABLE,
                  details: [],
                  cause: serviceError(grpc.status.UNAVAILABLE, message),
                  transactionId: txId,
                  message,
                });
              }
              return { blockNumber: 7n, code: StatusCode.VALID, successful: true, transactionId: txId };
            },
          }),
        };
      },
    };
  }
}

/** ContractProvider over the chaincode network, one identity per listed org. */
export class InMemoryContracts implements ContractProvider {
  constructor(
    readonly chaincode: ChaincodeNetwork = new ChaincodeNetwork(),
    private readonly orgs: string[] = ['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP'],
  ) {}

  mspIds(): string[] {
    return [...this.orgs];
  }

  contract(mspId: string, contractName: string): Contract | undefined {
    return this.orgs.includes(mspId) ? new InMemoryContract(this.chaincode, mspId, contractName) : undefined;
  }
}
