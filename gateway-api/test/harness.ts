import type { InvoiceListService } from '../src/projection/invoice-list';
import type { MigrationStore } from '../src/modules/migration/store';
import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import type { LoginThrottle } from '../src/modules/auth/throttle';
import { UserDirectory } from '../src/modules/auth/users';
import { FabricLedgerClient } from '../src/fabric/ledger-client';
import { buildApp } from '../src/http/app';
import { type Logger, silentLogger } from '../src/logger';
import { composeServices, type AccessStores, type Services } from '../src/compose';
import { DEFAULT_GUESS_LIMITS, type GuessLimits } from '../src/modules/invoices/check-code-guard';
import { CHECK_CODE_KDF } from '@hdt/vocabulary';
import { InMemoryContracts, ChaincodeNetwork } from './in-memory-fabric';
import { FakeOffchain } from './fake-offchain';
import type { InvoiceReconciler } from '../src/modules/invoices/reconciliation';
import type { ShareLinkStore } from '../src/modules/share-links';
import type { ReconciliationJobs } from '../src/modules/invoices/reconciliation-jobs';

export const PASSWORD = 'correct horse battery';
export const JWT_SECRET = 'unit-test-jwt-secret-0123456789abcdef';
export const ISSUER_SECRET = Buffer.alloc(32, 7);
/** The least the chaincode accepts, to keep the tests fast; the default is measured in bench/RESULTS.md. */
export const TEST_ITERATIONS = CHECK_CODE_KDF.minIterations;
/** A hospital2 invoice code (its range in network/registry.json is 31020000..31029999). */
export const HOSPITAL2_CODE = '31020125';

export const DEMO_USERS = [
  {
    username: 'clerk1',
    password: PASSWORD,
    displayName: 'Clerk One',
    mspId: 'Hospital1MSP',
    role: 'billing_clerk',
    unit: 'Qingpu District Central Hospital',
  },
  {
    username: 'clerk2',
    password: PASSWORD,
    displayName: 'Clerk Two',
    mspId: 'Hospital2MSP',
    role: 'billing_clerk',
    unit: 'Zhujiajiao Community Health Service Centre',
  },
  {
    username: 'medclerk',
    password: PASSWORD,
    displayName: 'Misfiled Clerk',
    mspId: 'MedInsMSP',
    role: 'billing_clerk',
  },
  {
    username: 'insurer1',
    password: PASSWORD,
    displayName: 'Insurer Officer',
    mspId: 'InsurerMSP',
    role: 'reimbursement_officer',
  },
  {
    username: 'medins1',
    password: PASSWORD,
    displayName: 'MedIns Officer',
    mspId: 'MedInsMSP',
    role: 'reimbursement_officer',
  },
  {
    username: 'hcsupervisor',
    password: PASSWORD,
    displayName: 'Health Commission Supervisor',
    mspId: 'HealthCommMSP',
    role: 'supervisor',
  },
];

let directory: Promise<UserDirectory> | undefined;

/** Demo users, hashed once per test file. */
export function testUsers(): Promise<UserDirectory> {
  directory ??= UserDirectory.fromJson(DEMO_USERS);
  return directory;
}

export interface Harness {
  app: Express;
  chaincode: ChaincodeNetwork;
  offchain: FakeOffchain;
  services: Services;
  login(username: string): Promise<string>;
}

/** Check codes handed out in order, instead of random ones. */
function checkCodes(list: string[] | undefined): { newCheckCode?: () => string } {
  if (list === undefined) return {};
  const codes = [...list];
  return {
    newCheckCode: () => {
      const next = codes.shift();
      if (next === undefined) throw new Error('no more check codes');
      return next;
    },
  };
}

/** A logger that keeps every line, to check what was logged and at which level. */
export class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> }[] = [];
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

export interface HarnessOptions {
  checkCodes?: string[];
  guessLimits?: Partial<GuessLimits>;
  clock?: () => Date;
  logger?: Logger;
  loginThrottle?: LoginThrottle;
  /** Serves these static files under /app/. */
  webDir?: string;
  /** Serves GET /invoices from this list. */
  invoiceList?: InvoiceListService;
  /** Serves the reconciliation routes with this reconciler and these jobs. */
  reconciliation?: { reconciler: InvoiceReconciler; jobs: ReconciliationJobs };
  /** Keeps migration jobs here (shared by harnesses that stand for restarts of one gateway). */
  migrationStore?: MigrationStore;
  /** Keeps the access log and record contents here. */
  access?: AccessStores;
  /** Keeps residents' share links here. */
  shareLinks?: ShareLinkStore;
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const chaincode = new ChaincodeNetwork();
  const offchain = new FakeOffchain();
  const services = composeServices({
    ledger: new FabricLedgerClient(
      new InMemoryContracts(chaincode),
      { attempts: 3, baseDelayMs: 0 },
      async () => undefined,
    ),
    offchain,
    records: offchain.records,
    checkCodeFailures: offchain.checkCodeFailures,
    issuances: offchain.issuances,
    issuanceTiming: { leaseMs: 60_000, recoveryIntervalMs: 60_000 },
    guessLimits: { ...DEFAULT_GUESS_LIMITS, ...options.guessLimits },
    checkCodeIterations: TEST_ITERATIONS,
    issuerSecret: ISSUER_SECRET,
    logger: silentLogger,
    ...checkCodes(options.checkCodes),
    ...(options.migrationStore === undefined ? {} : { migrationStore: options.migrationStore }),
    ...(options.access === undefined ? {} : { access: options.access }),
    ...(options.shareLinks === undefined ? {} : { shareLinkStore: options.shareLinks }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const app = buildApp({
    config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
    services: {
      ...services,
      ...(options.invoiceList === undefined ? {} : { invoiceList: options.invoiceList }),
      ...(options.reconciliation === undefined
        ? {}
        : { reconciliation: options.reconciliation.reconciler, reconciliationJobs: options.reconciliation.jobs }),
    },
    users: await testUsers(),
    logger: options.logger ?? silentLogger,
    ...(options.loginThrottle === undefined ? {} : { loginThrottle: options.loginThrottle }),
    ...(options.webDir === undefined ? {} : { webDir: options.webDir }),
  });
  return {
    app,
    chaincode,
    offchain,
    services,
    login: async (username) => {
      const res = await request(app).post('/api/v1/auth/login').send({ username, password: PASSWORD }).expect(200);
      return z.object({ token: z.string() }).parse(res.body).token;
    },
  };
}

/** The app over these services with its own users (each with PASSWORD), and a bearer token per user. */
export async function appWithUsers(
  services: Services,
  users: readonly { username: string }[],
): Promise<{ app: Express; tokens: Record<string, string> }> {
  const app = buildApp({
    config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
    services,
    users: await UserDirectory.fromJson(users.map((user) => ({ ...user, password: PASSWORD }))),
    logger: silentLogger,
  });
  const tokens: Record<string, string> = {};
  for (const { username } of users) {
    const res = await request(app).post('/api/v1/auth/login').send({ username, password: PASSWORD }).expect(200);
    tokens[username] = z.object({ token: z.string() }).parse(res.body).token;
  }
  return { app, tokens };
}

/** Requests to the API under API_PREFIX, with this bearer token. */
export function caller(app: Express, token: string | undefined) {
  const auth = { authorization: `Bearer ${token ?? ''}` };
  return {
    get: (path: string) => request(app).get(`/api/v1${path}`).set(auth),
    post: (path: string, body: object) => request(app).post(`/api/v1${path}`).set(auth).send(body),
    put: (path: string, body: object) => request(app).put(`/api/v1${path}`).set(auth).send(body),
    delete: (path: string) => request(app).delete(`/api/v1${path}`).set(auth),
  };
}

export const PDF = Buffer.from(
  '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

export function invoiceData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: '31010125',
    number: '0000000001',
    type: 'OUTPATIENT',
    payer: { name: 'Zhang San', idNumber: '31011519800101123X' },
    items: [
      { name: 'Consultation', quantity: 1, unitPrice: 2500, amount: 2500 },
      { name: 'Blood test', quantity: 2, unitPrice: 3750, amount: 7500 },
    ],
    totalAmount: 10000,
    payment: { medicalInsuranceFund: 6000, personalAccount: 1000, otherFund: 0, selfPay: 3000 },
    reimbursableAmount: 8000,
    visit: { department: 'Internal Medicine', visitDate: '2025-03-01' },
    ...overrides,
  };
}
