import { FabricInvoiceLedger } from './fabric/invoice-ledger';
import { FabricLifecycleLedger } from './fabric/lifecycle-ledger';
import { FabricRegistryLedger } from './fabric/registry-ledger';
import type { LedgerClient } from './fabric/ledger-client';
import type { Logger } from './logger';
import { HealthService } from './modules/health/service';
import { LifecycleService } from './modules/invoices/lifecycle-service';
import { InvoiceService } from './modules/invoices/service';
import type { CheckCodeFailures } from './modules/invoices/check-code-failures';
import { CheckCodeGuard, type GuessLimits } from './modules/invoices/check-code-guard';
import type { InvoiceRecords } from './modules/invoices/records';
import { FabricMigrationLedger } from './fabric/migration-ledger';
import { MigrationService } from './modules/migration/service';
import { InMemoryMigrationStore, type MigrationStore } from './modules/migration/store';
import { AppError } from './errors';
import { ConsentService, FabricConsentLedger } from './modules/consent';
import {
  FabricRecordsLedger,
  InMemoryQualityStore,
  InMemoryRecordEntries,
  RecordIntake,
  RecordsService,
  type QualityStore,
  type RecordEntries,
} from './modules/records';
import { EmpiService, empiKey, InMemoryEmpiStore, type EmpiStore } from './modules/empi';
import type { OffchainPorts } from './ports';
import { RedFlushService } from './modules/invoices/red-flush';
import { IssuanceRunner, type IssuancePoint } from './modules/invoices/issuance';
import type { Issuance } from './modules/invoices/issuances';
import { IssuanceRecoveryWorker } from './modules/invoices/issuance-worker';
import type { Issuances } from './modules/invoices/issuances';

export interface ServiceDeps {
  ledger: LedgerClient;
  offchain: OffchainPorts;
  /** The off-chain records of issued invoices. */
  records: InvoiceRecords;
  /** The durable log of issuances (saga steps). */
  issuances: Issuances;
  /** Lease of a running issuance and the recovery worker's pause, in ms. */
  issuanceTiming: { leaseMs: number; recoveryIntervalMs: number };
  /** Called at each point of an issuance (crash tests). */
  issuanceReached?: (point: IssuancePoint, issuance: Issuance) => void;
  /** The durable record of failed check-code guesses. */
  checkCodeFailures: CheckCodeFailures;
  /** Failed check-code guesses allowed per window. */
  guessLimits: GuessLimits;
  /** PBKDF2-HMAC-SM3 iterations protecting the check codes of new invoices. */
  checkCodeIterations: number;
  /** Key of the payer pseudonym (HMAC-SM3 of the payer's ID number). */
  issuerSecret: Uint8Array;
  logger: Logger;
  /** Overrides check-code generation (tests). */
  newCheckCode?: () => string;
  /** Overrides the clock of the guess limits (tests). */
  clock?: () => Date;
  /** Where migration jobs are kept (in memory unless given). */
  migrationStore?: MigrationStore;
  /** The records' error store and daily counts, the registered entries and the EMPI (in memory unless given). */
  recordStores?: RecordStores;
}

export interface RecordStores {
  quality: QualityStore;
  entries: RecordEntries;
  empi: EmpiStore;
}

export interface Services {
  invoices: InvoiceService;
  lifecycle: LifecycleService;
  registry: FabricRegistryLedger;
  health: HealthService;
  /** Finishes or undoes interrupted and pending issuances; started by the server. */
  issuanceRecovery: IssuanceRecoveryWorker;
  migrations: MigrationService;
  redFlush: RedFlushService;
  consent: ConsentService;
  records: RecordsService;
  intake: RecordIntake;
  empi: EmpiService;
}

function migrationService(deps: ServiceDeps, registry: FabricRegistryLedger): MigrationService {
  const unitName = async (mspId: string): Promise<string> => {
    const profile = (await registry.list(mspId)).find((org) => org.mspId === mspId);
    if (profile === undefined) throw new AppError('ORG_NOT_REGISTERED', `organisation ${mspId} is not in the registry`);
    return profile.unitName;
  };
  return new MigrationService({
    ledger: new FabricMigrationLedger(deps.ledger),
    unitName,
    files: deps.offchain.files,
    records: deps.records,
    store: deps.migrationStore ?? new InMemoryMigrationStore(),
    issuerSecret: deps.issuerSecret,
    checkCodeIterations: deps.checkCodeIterations,
    logger: deps.logger,
    ...(deps.newCheckCode === undefined ? {} : { newCheckCode: deps.newCheckCode }),
  });
}

function issuanceRunner(deps: ServiceDeps, ledger: FabricInvoiceLedger): IssuanceRunner {
  return new IssuanceRunner({
    ledger,
    files: deps.offchain.files,
    records: deps.records,
    idempotency: deps.offchain.idempotency,
    issuances: deps.issuances,
    logger: deps.logger,
    leaseMs: deps.issuanceTiming.leaseMs,
    reached: deps.issuanceReached,
  });
}

function recordServices(deps: ServiceDeps): Pick<Services, 'records' | 'intake' | 'empi'> {
  const ledger = new FabricRecordsLedger(deps.ledger);
  const stores = deps.recordStores ?? {
    quality: new InMemoryQualityStore(),
    entries: new InMemoryRecordEntries(),
    empi: new InMemoryEmpiStore(),
  };
  const clock = deps.clock === undefined ? {} : { clock: deps.clock };
  return {
    records: new RecordsService({ ledger, logger: deps.logger }),
    intake: new RecordIntake({
      ledger,
      quality: stores.quality,
      entries: stores.entries,
      logger: deps.logger,
      ...clock,
    }),
    empi: new EmpiService({
      store: stores.empi,
      entries: stores.entries,
      key: empiKey(deps.issuerSecret),
      logger: deps.logger,
      ...clock,
    }),
  };
}

/** Builds the services over one ledger client and the off-chain ports. */
export function composeServices(deps: ServiceDeps): Services {
  const invoiceLedger = new FabricInvoiceLedger(deps.ledger);
  const { files, idempotency } = deps.offchain;
  const guard = new CheckCodeGuard(deps.checkCodeFailures, deps.guessLimits, deps.logger, deps.clock);
  const registry = new FabricRegistryLedger(deps.ledger);
  const issuance = issuanceRunner(deps, invoiceLedger);
  const invoices = new InvoiceService({
    ledger: invoiceLedger,
    files,
    records: deps.records,
    idempotency,
    guard,
    issuerSecret: deps.issuerSecret,
    checkCodeIterations: deps.checkCodeIterations,
    issuance,
    registry,
    logger: deps.logger,
    ...(deps.newCheckCode === undefined ? {} : { newCheckCode: deps.newCheckCode }),
  });
  const lifecycle = new LifecycleService({ ledger: new FabricLifecycleLedger(deps.ledger), logger: deps.logger });
  const migrations = migrationService(deps, registry);
  return {
    invoices,
    lifecycle,
    migrations,
    consent: new ConsentService({ ledger: new FabricConsentLedger(deps.ledger), logger: deps.logger }),
    ...recordServices(deps),
    redFlush: new RedFlushService({ ...deps, ledger: invoiceLedger, registry, files: deps.offchain.files }),
    registry,
    health: new HealthService(invoiceLedger, deps.offchain, deps.logger, deps.issuances),
    issuanceRecovery: new IssuanceRecoveryWorker(deps.issuances, issuance, deps.logger, {
      intervalMs: deps.issuanceTiming.recoveryIntervalMs,
      leaseMs: deps.issuanceTiming.leaseMs,
    }),
  };
}
