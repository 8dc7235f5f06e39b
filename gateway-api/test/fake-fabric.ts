/**
 * In-memory stand-in for the `invoice` contract behind the Fabric gateway client API, for unit
 * tests. It follows the chaincode rules of the spec (issue only by hospital orgs, code+number
 * unique, verify authentic/tampered/unknown) and raises errors shaped like the real gateway's
 * (EndorseError / GatewayError whose details carry `chaincode response 500, CODE: text`).
 */
import { createHash, randomBytes } from 'node:crypto';
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
import { z } from 'zod';
import type { ContractProvider } from '../src/fabric/connection';
import { onChainInvoiceSchema, type HistoryEntry, type OnChainInvoice } from '../src/fabric/invoice-ledger';

const HOSPITALS = ['Hospital1MSP', 'Hospital2MSP'];

const issueArgSchema = onChainInvoiceSchema
  .pick({
    code: true,
    number: true,
    checkCodeHash: true,
    type: true,
    issuingUnit: true,
    totalAmount: true,
    payment: true,
    reimbursableAmount: true,
    payerPseudonym: true,
    dataDigest: true,
    pdfDigest: true,
    dataCid: true,
    pdfCid: true,
  })
  .strict();

class ChaincodeError extends Error {}

function serviceError(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

/** A fault to inject into the next submit: at which stage and how. */
export type Fault =
  | { stage: 'endorse'; kind: 'unavailable' }
  | { stage: 'commit'; kind: 'mvcc' }
  | { stage: 'commitStatus'; kind: 'unavailable-after-commit' }
  | { stage: 'evaluate'; kind: 'unavailable' };

interface Simulation {
  result: Uint8Array;
  apply: () => void;
}

export class FakeInvoiceChaincode {
  readonly state = new Map<string, OnChainInvoice>();
  readonly history = new Map<string, HistoryEntry[]>();
  /** Names of committed transactions, in order. */
  readonly committed: string[] = [];
  /** Names of evaluated queries, in order. */
  readonly evaluated: string[] = [];
  readonly faults: Fault[] = [];
  private clock = Date.parse('2025-03-01T08:00:00.000Z');

  takeFault(stage: Fault['stage']): Fault | undefined {
    const index = this.faults.findIndex((f) => f.stage === stage);
    return index === -1 ? undefined : this.faults.splice(index, 1)[0];
  }

  /** Runs a transaction function: returns the result and the write to apply at commit. */
  simulate(mspId: string, name: string, args: readonly string[], txId: string): Simulation {
    const none = () => undefined;
    switch (name) {
      case 'Issue':
        return this.issue(mspId, args[0] ?? '', txId);
      case 'Read':
        return { result: this.json(this.mustGet(args[0] ?? '', args[1] ?? '')), apply: none };
      case 'Verify':
        return { result: this.json(this.verify(args)), apply: none };
      case 'History':
        return { result: this.json(this.history.get(`${args[0]}/${args[1]}`) ?? []), apply: none };
      default:
        throw new ChaincodeError(`INVALID_ARGUMENT: unknown function ${name}`);
    }
  }

  private json(value: unknown): Uint8Array {
    return Buffer.from(JSON.stringify(value), 'utf8');
  }

  private mustGet(code: string, number: string): OnChainInvoice {
    const invoice = this.state.get(`${code}/${number}`);
    if (!invoice) throw new ChaincodeError(`INVOICE_NOT_FOUND: invoice ${code}/${number} does not exist`);
    return invoice;
  }

  private issue(mspId: string, input: string, txId: string): Simulation {
    if (!HOSPITALS.includes(mspId)) throw new ChaincodeError(`FORBIDDEN: ${mspId} may not issue invoices`);
    let raw: unknown;
    try {
      raw = JSON.parse(input);
    } catch {
      throw new ChaincodeError('INVALID_ARGUMENT: input is not JSON');
    }
    const parsed = issueArgSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ChaincodeError(`INVALID_ARGUMENT: ${parsed.error.issues[0]?.path.join('.') ?? 'input'} is invalid`);
    }
    const data = parsed.data;
    const p = data.payment;
    if (p.medicalInsuranceFund + p.personalAccount + p.otherFund + p.selfPay !== data.totalAmount) {
      throw new ChaincodeError('INVALID_ARGUMENT: payment does not sum to totalAmount');
    }
    const key = `${data.code}/${data.number}`;
    if (this.state.has(key)) throw new ChaincodeError(`INVOICE_EXISTS: invoice ${key} already exists`);
    this.clock += 1000;
    const now = new Date(this.clock).toISOString();
    const invoice: OnChainInvoice = {
      ...data,
      issuerMsp: mspId,
      issuedAt: now,
      currency: 'CNY',
      status: 'ISSUED',
      lastTxId: txId,
      updatedAt: now,
    };
    return {
      result: this.json(invoice),
      apply: () => {
        this.state.set(key, invoice);
        const entries = this.history.get(key) ?? [];
        entries.push({ txId, timestamp: now, isDelete: false, value: invoice });
        this.history.set(key, entries);
      },
    };
  }

  private verify(args: readonly string[]): unknown {
    const [code = '', number = '', checkCodeHash = '', pdfDigest = '', dataDigest = ''] = args;
    const invoice = this.state.get(`${code}/${number}`);
    if (!invoice || invoice.checkCodeHash !== checkCodeHash) return { result: 'unknown', mismatches: [] };
    const mismatches: string[] = [];
    if (pdfDigest !== '' && pdfDigest !== invoice.pdfDigest) mismatches.push('pdfDigest');
    if (dataDigest !== '' && dataDigest !== invoice.dataDigest) mismatches.push('dataDigest');
    return { result: mismatches.length > 0 ? 'tampered' : 'authentic', status: invoice.status, mismatches };
  }
}

const emptyBytes = new Uint8Array(0);

function chaincodeFailure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class FakeContract implements Contract {
  constructor(
    private readonly chaincode: FakeInvoiceChaincode,
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
    const txId = createHash('sha256').update(randomBytes(16)).digest('hex');
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
          return chaincode.simulate(mspId, fullName, args, txId).result;
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
        let simulation: Simulation;
        try {
          simulation = chaincode.simulate(mspId, fullName, args, txId);
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
          getResult: () => simulation.result,
          getTransactionId: () => txId,
          submit: async (): Promise<SubmittedTransaction> => ({
            getBytes: () => emptyBytes,
            getDigest: () => emptyBytes,
            getResult: () => simulation.result,
            getTransactionId: () => txId,
            getStatus: async (): Promise<Status> => {
              if (chaincode.takeFault('commit')) {
                return { blockNumber: 7n, code: StatusCode.MVCC_READ_CONFLICT, successful: false, transactionId: txId };
              }
              simulation.apply();
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

/** ContractProvider over the fake chaincode, one identity per listed org. */
export class FakeContracts implements ContractProvider {
  constructor(
    readonly chaincode: FakeInvoiceChaincode = new FakeInvoiceChaincode(),
    private readonly orgs: string[] = ['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP'],
  ) {}

  mspIds(): string[] {
    return [...this.orgs];
  }

  contract(mspId: string, contractName: string): Contract | undefined {
    return this.orgs.includes(mspId) ? new FakeContract(this.chaincode, mspId, contractName) : undefined;
  }
}

/** Parses a JSON byte result in tests. */
export function parseBytes<T>(bytes: Uint8Array, schema: z.ZodType<T>): T {
  const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  return schema.parse(value);
}
