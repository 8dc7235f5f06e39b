import { FabricInvoiceLedger } from './fabric/invoice-ledger';
import { FabricLifecycleLedger } from './fabric/lifecycle-ledger';
import { FabricRegistryLedger } from './fabric/registry-ledger';
import type { LedgerClient } from './fabric/ledger-client';
import type { Logger } from './logger';
import { HealthService } from './modules/health/service';
import { LifecycleService, type LifecyclePoint } from './modules/invoices/lifecycle-service';
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
import { EmpiService, empiKey, FabricEmpiAnchors, InMemoryEmpiStore, type EmpiStore } from './modules/empi';
import { InMemoryNotificationStore, NotificationService, type NotificationStore } from './modules/notifications';
import {
  AccessRequestService,
  FabricReferralLedger,
  InMemoryAccessRequestStore,
  ReferralService,
  type AccessRequestStore,
} from './modules/requests';
import {
  AccessAnchorWorker,
  AccessAudit,
  AccessService,
  ContentService,
  FabricAccessLedger,
  InMemoryAccessLog,
  InMemoryRecordContents,
  type AccessLog,
  type AccessNotifier,
  type RecordContents,
} from './modules/access';
import { InMemoryShareLinkStore, ShareLinkService, type ShareLinkStore } from './modules/share-links';
import { MspId } from '@hdt/vocabulary';
import type { Services as RouteServices } from './http/app';
import type { OffchainPorts } from './ports';
import { RedFlushService } from './modules/invoices/red-flush';
import { UpdateService } from './modules/invoices/update';
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
  /** Called at each point of a lifecycle operation (crash tests). */
  lifecycleReached?: ((point: LifecyclePoint) => void) | undefined;
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
  /** Where notifications are kept (in memory unless given). */
  notificationStore?: NotificationStore;
  /** Where access requests are kept (in memory unless given). */
  accessRequestStore?: AccessRequestStore;
  /** The access log, the record contents (in memory unless given) and who tells residents of accesses. */
  access?: AccessStores;
  /** The records' error store and daily counts, the registered entries and the EMPI (in memory unless given). */
  recordStores?: RecordStores;
  /** Where residents' share links are kept (in memory unless given). */
  shareLinkStore?: ShareLinkStore;
}

export interface RecordStores {
  quality: QualityStore;
  entries: RecordEntries;
  empi: EmpiStore;
}

export interface AccessStores {
  log: AccessLog;
  contents: RecordContents;
  notifier?: AccessNotifier;
  /** Pause between anchoring rounds of the access log, in ms (default 1000). */
  anchorIntervalMs?: number;
}

/** What the routes use, and the workers the server starts; the query services come from the server. */
export interface Services extends Omit<
  RouteServices,
  'statistics' | 'invoiceList' | 'reconciliation' | 'reconciliationJobs'
> {
  /** Finishes or undoes interrupted and pending issuances; started by the server. */
  issuanceRecovery: IssuanceRecoveryWorker;
  /** Anchors the access log on chain; started by the server. */
  accessAnchoring: AccessAnchorWorker;
}

type AccessServices = Pick<Services, 'access' | 'recordContents' | 'accessAudit' | 'accessAnchoring' | 'shareLinks'>;

function accessServices(deps: ServiceDeps, notifications: NotificationService): AccessServices {
  const stores = deps.access ?? { log: new InMemoryAccessLog(), contents: new InMemoryRecordContents() };
  const ledger = new FabricAccessLedger(deps.ledger);
  const mspIds = deps.ledger.mspIds();
  const commission = mspIds.includes(MspId.HEALTH_COMMISSION)
    ? MspId.HEALTH_COMMISSION
    : (mspIds[0] ?? MspId.HEALTH_COMMISSION);
  const anchoring = new AccessAnchorWorker({
    log: stores.log,
    ledger,
    mspId: commission,
    logger: deps.logger,
    intervalMs: stores.anchorIntervalMs ?? 1000,
  });
  const { files } = deps.offchain;
  const { log, contents } = stores;
  const records = new FabricRecordsLedger(deps.ledger);
  const notifier = stores.notifier ?? breakGlassNotifier(notifications);
  const access = new AccessService({ ledger, records, files, contents, log, notifier, logger: deps.logger, anchoring });
  return {
    access,
    recordContents: new ContentService({ records, files, contents, logger: deps.logger }),
    accessAudit: new AccessAudit({ ledger, log }),
    accessAnchoring: anchoring,
    shareLinks: new ShareLinkService({
      records,
      files,
      contents,
      log,
      links: deps.shareLinkStore ?? new InMemoryShareLinkStore(),
      logger: deps.logger,
      anchoring,
      readAs: commission,
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    }),
  };
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

/** A break-glass read of a resident's record becomes a notification to the resident. */
function breakGlassNotifier(notifications: NotificationService): AccessNotifier {
  return {
    notify: (residentId, event) =>
      notifications.notifyQuietly(
        { residentId },
        {
          type: 'BREAK_GLASS_ACCESS',
          title: `Emergency access to record ${event.recordId} by ${event.username} (${event.institution})`,
          body: event.reason ?? '',
          ref: { kind: 'access', id: event.accessId },
        },
      ),
  };
}

/** Access requests and referrals, over the consent service; they notify through `notifications`. */
function requestServices(deps: ServiceDeps, consent: ConsentService, notifications: NotificationService) {
  const accessRequests = new AccessRequestService({
    store: deps.accessRequestStore ?? new InMemoryAccessRequestStore(),
    consent,
    notifications,
    logger: deps.logger,
  });
  const referrals = new ReferralService({
    ledger: new FabricReferralLedger(deps.ledger),
    notifications,
    logger: deps.logger,
  });
  return { notifications, accessRequests, referrals };
}

/** The issuer's corrections after issuing: update and red-flush. */
function correctionServices(
  deps: ServiceDeps,
  ledgers: { invoice: FabricInvoiceLedger; lifecycle: FabricLifecycleLedger; registry: FabricRegistryLedger },
  invoices: InvoiceService,
): { update: UpdateService; redFlush: RedFlushService } {
  const { files, idempotency } = deps.offchain;
  const { invoice: ledger, lifecycle, registry } = ledgers;
  const update = new UpdateService({
    ...{ ledger, lifecycle, files, records: deps.records, idempotency },
    issuerSecret: deps.issuerSecret,
    checkCodeOf: (user, code, number) => invoices.recoverCheckCode(user, code, number),
    logger: deps.logger,
  });
  const reached = deps.lifecycleReached;
  return {
    update,
    redFlush: new RedFlushService({ ...deps, ledger, lifecycle, registry, files, idempotency, reached }),
  };
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
      anchors: new FabricEmpiAnchors(deps.ledger),
      ...clock,
    }),
  };
}

function invoiceService(
  deps: ServiceDeps,
  ledger: FabricInvoiceLedger,
  registry: FabricRegistryLedger,
  issuance: IssuanceRunner,
): InvoiceService {
  const { files, idempotency } = deps.offchain;
  const guard = new CheckCodeGuard(deps.checkCodeFailures, deps.guessLimits, deps.logger, deps.clock);
  return new InvoiceService({
    ledger,
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
}

/** Builds the services over one ledger client and the off-chain ports. */
export function composeServices(deps: ServiceDeps): Services {
  const invoiceLedger = new FabricInvoiceLedger(deps.ledger);
  const registry = new FabricRegistryLedger(deps.ledger);
  const issuance = issuanceRunner(deps, invoiceLedger);
  const invoices = invoiceService(deps, invoiceLedger, registry, issuance);
  const lifecycleLedger = new FabricLifecycleLedger(deps.ledger);
  const { logger, lifecycleReached: reached } = deps;
  const { idempotency } = deps.offchain;
  const lifecycle = new LifecycleService({ ledger: lifecycleLedger, idempotency, logger, reached });
  const ledgers = { invoice: invoiceLedger, lifecycle: lifecycleLedger, registry };
  const migrations = migrationService(deps, registry);
  const notifications = new NotificationService({
    store: deps.notificationStore ?? new InMemoryNotificationStore(),
    logger: deps.logger,
  });
  const consent = new ConsentService({
    ledger: new FabricConsentLedger(deps.ledger),
    notifications,
    logger: deps.logger,
  });
  const requests = requestServices(deps, consent, notifications);
  return {
    invoices,
    lifecycle,
    migrations,
    consent,
    ...requests,
    ...recordServices(deps),
    ...correctionServices(deps, ledgers, invoices),
    registry,
    ...accessServices(deps, requests.notifications),
    health: new HealthService(invoiceLedger, deps.offchain, deps.logger, deps.issuances),
    issuanceRecovery: new IssuanceRecoveryWorker(deps.issuances, issuance, deps.logger, {
      intervalMs: deps.issuanceTiming.recoveryIntervalMs,
      leaseMs: deps.issuanceTiming.leaseMs,
    }),
  };
}
