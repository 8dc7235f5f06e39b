/**
 * The chaincode's real contracts (`invoice`, `registry`, `records`), run over the chaincode's in-memory ledger,
 * behind the Fabric gateway client API, for unit tests. The registry is bootstrapped the way the
 * network's is, from network/registry.json, before the first transaction. Errors are shaped like the
 * real gateway's (EndorseError / GatewayError whose details carry `chaincode response 500, CODE:
 * text`), and faults can be injected at each stage of a submit or an evaluate.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
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
import {
  ACCESS_CONTRACT,
  canonicalJson,
  CONSENT_CONTRACT,
  INVOICE_CONTRACT,
  MspId,
  RECORDS_CONTRACT,
  REGISTRY_CONTRACT,
} from '@hdt/vocabulary';
import type { Context } from 'fabric-contract-api';
import { z } from 'zod';
import { AccessContract } from '../../chaincode/dist/contracts/access-contract';
import { ConsentContract } from '../../chaincode/dist/contracts/consent-contract';
import { InvoiceContract } from '../../chaincode/dist/contracts/invoice-contract';
import { RecordsContract } from '../../chaincode/dist/contracts/records-contract';
import { RegistryContract } from '../../chaincode/dist/contracts/registry-contract';
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

type TransactionFunction = (ctx: Context, ...args: string[]) => Promise<string>;

/** A transaction the vocabulary declares for a contract, bound to the chaincode's implementation. */
interface Bound {
  readonly arity: number;
  readonly run: TransactionFunction;
}

function bind(contract: object, spec: { transactions: object }, name: string): Bound | undefined {
  const declared: unknown = Reflect.get(spec.transactions, name);
  const method: unknown = Reflect.get(contract, name);
  if (typeof declared !== 'object' || declared === null || typeof method !== 'function') return undefined;
  const args: unknown = Reflect.get(declared, 'args');
  const fn = method as TransactionFunction;
  return { arity: Array.isArray(args) ? args.length : 0, run: (ctx, ...rest) => fn.call(contract, ctx, ...rest) };
}

const CONTRACTS: ReadonlyArray<{ spec: { name: string; transactions: object }; contract: object }> = [
  { spec: INVOICE_CONTRACT, contract: new InvoiceContract() },
  { spec: REGISTRY_CONTRACT, contract: new RegistryContract() },
  { spec: RECORDS_CONTRACT, contract: new RecordsContract() },
  { spec: CONSENT_CONTRACT, contract: new ConsentContract() },
  { spec: ACCESS_CONTRACT, contract: new AccessContract() },
];

function transaction(contractName: string, name: string): Bound | undefined {
  const entry = CONTRACTS.find((c) => c.spec.name === contractName);
  return entry === undefined ? undefined : bind(entry.contract, entry.spec, name);
}

const codeRangeSchema = z.object({ first: z.string(), last: z.string() });
const registryFileSchema = z.object({
  orgs: z.array(z.object({ mspId: z.string(), unitName: z.string(), codeRanges: z.array(codeRangeSchema) })),
});
export type RegistryBootstrap = z.infer<typeof registryFileSchema>;

/** network/registry.json: the unit names and code ranges the network's bootstrap writes to the registry. */
export function registryBootstrap(): RegistryBootstrap {
  const file = path.join(__dirname, '..', '..', 'network', 'registry.json');
  return registryFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The chaincode's contracts over an in-memory ledger, with injectable faults. */
export class ChaincodeNetwork {
  readonly ledger = new InMemoryLedger();
  /** Names of committed transactions, in order. */
  readonly committed: string[] = [];
  /** Names of evaluated queries, in order. */
  readonly evaluated: string[] = [];
  readonly faults: Fault[] = [];
  private bootstrapped: Promise<void> | undefined;

  /** `registry: false` leaves the org registry empty (as before the network's bootstrap). */
  constructor(private readonly options: { registry?: boolean } = {}) {}

  takeFault(stage: Fault['stage']): Fault | undefined {
    const index = this.faults.findIndex((f) => f.stage === stage);
    return index === -1 ? undefined : this.faults.splice(index, 1)[0];
  }

  hasFault(stage: Fault['stage']): boolean {
    return this.faults.some((f) => f.stage === stage);
  }

  /** Runs a transaction function as one ledger transaction; its writes commit when it succeeds. */
  async run(
    mspId: string,
    contractName: string,
    name: string,
    args: readonly string[],
    txId: string,
  ): Promise<Uint8Array> {
    await this.bootstrap();
    return this.runNow(mspId, contractName, name, args, txId);
  }

  /** The registry as the network's bootstrap writes it: the health commission registers each hospital and its code ranges. */
  bootstrap(): Promise<void> {
    this.bootstrapped ??= this.options.registry === false ? Promise.resolve() : this.writeRegistry(registryBootstrap());
    return this.bootstrapped;
  }

  private async writeRegistry(registry: RegistryBootstrap): Promise<void> {
    const submit = (name: string, input: object) =>
      this.runNow(
        MspId.HEALTH_COMMISSION,
        REGISTRY_CONTRACT.name,
        name,
        [canonicalJson(input)],
        randomBytes(32).toString('hex'),
      );
    for (const org of registry.orgs) {
      await submit('SetOrgProfile', { mspId: org.mspId, unitName: org.unitName });
      for (const range of org.codeRanges) await submit('AllocateCodes', { mspId: org.mspId, range });
    }
  }

  private async runNow(
    mspId: string,
    contractName: string,
    name: string,
    args: readonly string[],
    txId: string,
  ): Promise<Uint8Array> {
    const bound = transaction(contractName, name);
    if (bound === undefined) throw new Error(`INVALID_ARGUMENT: unknown function ${contractName}:${name}`);
    if (args.length !== bound.arity) {
      throw new Error(`INVALID_ARGUMENT: ${contractName}:${name} takes ${bound.arity} arguments, got ${args.length}`);
    }
    const result = await this.ledger.invoke(mspId, (ctx) => bound.run(ctx, ...args), { txId });
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
    const contractName = this.contractName;
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
          return await chaincode.run(mspId, contractName, fullName, args, txId);
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
          if (!chaincode.hasFault('commit')) result = await chaincode.run(mspId, contractName, fullName, args, txId);
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

  /** Every org's peer commits with the first (the network is one process). */
  async committedAt(mspId: string): Promise<void> {
    if (!this.orgs.includes(mspId)) throw new Error(`organisation ${mspId} is not configured`);
    return Promise.resolve();
  }
}
