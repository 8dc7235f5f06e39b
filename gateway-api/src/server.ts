import type { Server } from 'node:http';
import type { OffchainStore } from '@hdt/offchain-store';
import { loadConfig, type Config } from './config';
import { FabricConnections, loadConnectionProfile } from './fabric/connection';
import { FabricLedgerClient } from './fabric/ledger-client';
import { buildApp } from './http/app';
import { createHttpServer, listen } from './http/server';
import { consoleLogger, describe, type Logger } from './logger';
import type { MigrationService } from './modules/migration/service';
import { UserDirectory } from './modules/auth';
import {
  checkCodeFailureModel,
  invoiceRecordModel,
  MongoCheckCodeFailures,
  MongoInvoiceRecords,
} from './modules/invoices';
import { issuanceModel } from './modules/invoices/issuance-model';
import { MongoIssuances } from './modules/invoices/issuances';
import type { IssuanceRecoveryWorker } from './modules/invoices/issuance-worker';
import { connectStore, offchainPorts } from './offchain';
import { composeServices, type Services } from './compose';
import { MspId } from '@hdt/vocabulary';
import { InvoiceProjection } from './projection/listener';
import { InvoiceListService } from './projection/invoice-list';
import { checkpointModel, invoiceViewModel } from './projection/model';
import { InvoiceStatisticsService, ProjectedInvoiceIds } from './projection/statistics';
import { InvoiceReconciler } from './modules/invoices/reconciliation';
import { OrphanFinder } from './modules/invoices/blob-orphans';
import {
  KuboPins,
  MongoCidReferences,
  MongoLiveDataKeys,
  MongoOrphanSightings,
  orphanSightingModel,
} from './modules/invoices/blob-orphans-store';
import { MongoReconciliationJobStore, reconciliationJobModel } from './modules/invoices/reconciliation-job-model';
import { ReconciliationJobs } from './modules/invoices/reconciliation-jobs';
import { FabricMigrationLedger } from './fabric/migration-ledger';
import { migrationItemModel, migrationJobModel, MongoMigrationStore } from './modules/migration';
import {
  dailyQualityModel,
  MongoQualityStore,
  MongoRecordEntries,
  qualityErrorModel,
  recordEntryModel,
} from './modules/records';
import { empiAuditModel, empiLinkModel, empiResidentModel, MongoEmpiStore } from './modules/empi';
import { MongoNotificationStore, notificationModel } from './modules/notifications';
import { accessRequestModel, MongoAccessRequestStore } from './modules/requests';
import { MongoShareLinkStore, shareLinkModel } from './modules/share-links';
import {
  accessLogModel,
  accessSequenceModel,
  MongoAccessLog,
  MongoRecordContents,
  recordContentModel,
  type AccessAnchorWorker,
} from './modules/access';

const SHUTDOWN_GRACE_MS = 10_000;
/** How often expired share links' sealed content is cleared. */
const SHARE_LINK_SWEEP_MS = 60_000;
const MODELS = [
  invoiceRecordModel,
  checkCodeFailureModel,
  invoiceViewModel,
  checkpointModel,
  migrationJobModel,
  migrationItemModel,
  issuanceModel,
  notificationModel,
  accessRequestModel,
  accessLogModel,
  accessSequenceModel,
  recordContentModel,
  shareLinkModel,
  reconciliationJobModel,
  orphanSightingModel,
  qualityErrorModel,
  dailyQualityModel,
  recordEntryModel,
  empiResidentModel,
  empiLinkModel,
  empiAuditModel,
];

/** On SIGINT/SIGTERM: stop accepting requests, close Fabric and the store, exit (forced after a grace period). */
function stopOnSignals(
  server: Server,
  fabric: FabricConnections,
  store: OffchainStore,
  projection: InvoiceProjection,
  recovery: IssuanceRecoveryWorker,
  anchoring: AccessAnchorWorker,
  logger: Logger,
): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    const closing = Promise.all([projection.stop(), recovery.stop(), anchoring.stop()]);
    server.close(() => {
      void closing.finally(() => fabric.close());
      store
        .close()
        .catch((err: unknown) => logger.error('closing the off-chain store failed', { error: describe(err) }))
        .finally(() => {
          logger.info('stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Keeps the query model from the chaincode's events, as seen by the health commission's peer. */
function startProjection(fabric: FabricConnections, store: OffchainStore, logger: Logger): InvoiceProjection {
  const network = fabric.network(MspId.HEALTH_COMMISSION) ?? fabric.network(fabric.mspIds()[0] ?? '');
  if (network === undefined) throw new Error('no organisation to follow the chaincode events with');
  const projection = new InvoiceProjection({
    source: (checkpoint) => network.getChaincodeEvents(fabric.chaincodeName, { checkpoint, startBlock: BigInt(0) }),
    views: invoiceViewModel(store.connection),
    checkpoints: checkpointModel(store.connection),
    name: 'invoice-views',
    logger,
  });
  projection.start();
  return projection;
}

/** Crash tests: the process dies (SIGKILL, no clean-up) the moment an operation reaches `point`. */
function crashAt<P extends string>(
  what: string,
  point: P | undefined,
  logger: Logger,
): ((reached: P) => void) | undefined {
  if (point === undefined) return undefined;
  logger.warn(`crash test: this process kills itself when ${what} reaches a point`, { point });
  return (reached) => {
    if (reached === point) process.kill(process.pid, 'SIGKILL');
  };
}

/** The services over the real ledger, database and IPFS. */
function servicesOver(config: Config, fabric: FabricConnections, store: OffchainStore, logger: Logger): Services {
  return composeServices({
    ledger: new FabricLedgerClient(fabric, undefined, undefined, logger),
    offchain: offchainPorts(store),
    records: new MongoInvoiceRecords(invoiceRecordModel(store.connection)),
    checkCodeFailures: new MongoCheckCodeFailures(checkCodeFailureModel(store.connection)),
    issuances: new MongoIssuances(issuanceModel(store.connection)),
    issuanceTiming: config.issuanceTiming,
    issuanceReached: crashAt('an issuance', config.issuanceCrashAt, logger),
    lifecycleReached: crashAt('a lifecycle operation', config.lifecycleCrashAt, logger),
    guessLimits: config.guessLimits,
    checkCodeIterations: config.checkCodeIterations,
    issuerSecret: config.issuerSecret,
    logger,
    migrationStore: new MongoMigrationStore(migrationJobModel(store.connection), migrationItemModel(store.connection)),
    notificationStore: new MongoNotificationStore(notificationModel(store.connection)),
    accessRequestStore: new MongoAccessRequestStore(accessRequestModel(store.connection)),
    access: {
      log: new MongoAccessLog(accessLogModel(store.connection), accessSequenceModel(store.connection)),
      contents: new MongoRecordContents(recordContentModel(store.connection)),
    },
    recordStores: recordStoresOver(store),
    shareLinkStore: new MongoShareLinkStore(shareLinkModel(store.connection)),
  });
}

/** The reconciler over the ledger, the records, the projection and the open issuances. */
function reconcilerOver(config: Config, fabric: FabricConnections, store: OffchainStore): InvoiceReconciler {
  const views = invoiceViewModel(store.connection);
  const records = invoiceRecordModel(store.connection);
  return new InvoiceReconciler({
    ledger: new FabricMigrationLedger(new FabricLedgerClient(fabric)),
    records: new MongoInvoiceRecords(records),
    chain: new ProjectedInvoiceIds(views),
    issuances: new MongoIssuances(issuanceModel(store.connection)),
    stalledAfterMs: config.issuanceTiming.leaseMs,
    count: async (issuerMsp) =>
      (await records.countDocuments({ issuerMsp }).exec()) + (await views.countDocuments({ issuerMsp }).exec()),
  });
}

/** Reconciliation jobs, kept in the database, with the search for orphaned ciphertext in IPFS. */
function reconciliationJobs(config: Config, reconciler: InvoiceReconciler, store: OffchainStore, logger: Logger) {
  const orphans = new OrphanFinder({
    pins: new KuboPins(config.ipfsApiUrl),
    references: new MongoCidReferences(store.connection),
    sightings: new MongoOrphanSightings(orphanSightingModel(store.connection)),
    keys: new MongoLiveDataKeys(store.connection, (keyId) => store.files.destroyDocument(keyId)),
    graceMs: config.orphanGraceMs,
  });
  const jobStore = new MongoReconciliationJobStore(reconciliationJobModel(store.connection));
  return new ReconciliationJobs({ store: jobStore, reconciler, orphans, logger });
}

/** The records' error store, daily counts and registered entries, and the EMPI, in the database. */
function recordStoresOver(store: OffchainStore) {
  const c = store.connection;
  return {
    quality: new MongoQualityStore(qualityErrorModel(c), dailyQualityModel(c)),
    entries: new MongoRecordEntries(recordEntryModel(c)),
    empi: new MongoEmpiStore(empiResidentModel(c), empiLinkModel(c), empiAuditModel(c)),
  };
}

/** The services over the projection's query model. */
function queryServices(config: Config, fabric: FabricConnections, store: OffchainStore, logger: Logger) {
  const views = invoiceViewModel(store.connection);
  const reconciliation = reconcilerOver(config, fabric, store);
  return {
    statistics: new InvoiceStatisticsService(views),
    invoiceList: new InvoiceListService(views),
    reconciliation,
    reconciliationJobs: reconciliationJobs(config, reconciliation, store, logger),
  };
}

/** Reconciliation jobs the previous process left running run again. */
function resumeReconciliations(jobs: ReconciliationJobs, logger: Logger): void {
  jobs
    .resumeInterrupted()
    .then((jobIds) => {
      if (jobIds.length > 0) logger.info('reconciliation jobs resumed', { jobIds });
    })
    .catch((err: unknown) => logger.warn('could not look for interrupted reconciliations', { error: describe(err) }));
}

/** Migration jobs whose import the previous process left under way go on from where they stopped. */
function resumeMigrations(migrations: MigrationService, logger: Logger): void {
  migrations
    .resumeInterrupted()
    .then((jobIds) => {
      if (jobIds.length > 0) logger.info('migration jobs resumed', { jobIds });
    })
    .catch((err: unknown) => logger.warn('could not look for interrupted migration jobs', { error: describe(err) }));
}

/** Gives share links stored by an earlier version their sweep field; a failure is logged and retried at the next start. */
function markShareLinks(store: OffchainStore, logger: Logger): void {
  new MongoShareLinkStore(shareLinkModel(store.connection))
    .adoptUnmarked()
    .then((marked) => {
      if (marked > 0) logger.info('share links of an earlier version marked for the expiry sweep', { marked });
    })
    .catch((err: unknown) => logger.error('share links of an earlier version not marked', { error: describe(err) }));
}

async function main(): Promise<void> {
  const logger = consoleLogger;
  const config = loadConfig();
  const users = await UserDirectory.fromFile(config.demoUsersFile);
  const profile = await loadConnectionProfile(config.fabricConnectionFile);
  const fabric = await FabricConnections.open(profile);
  const store = await connectStore(config, MODELS).catch((err: unknown) => {
    fabric.close();
    throw err;
  });

  const services = servicesOver(config, fabric, store, logger);
  const projection = startProjection(fabric, store, logger);
  services.issuanceRecovery.start();
  services.accessAnchoring.start();
  markShareLinks(store, logger);
  setInterval(() => void services.shareLinks.sweepExpired(), SHARE_LINK_SWEEP_MS).unref();
  resumeMigrations(services.migrations, logger);
  const queries = queryServices(config, fabric, store, logger);
  resumeReconciliations(queries.reconciliationJobs, logger);
  const app = buildApp({
    config,
    services: { ...services, ...queries },
    users,
    logger,
    webDir: config.webDir,
  });

  const server = createHttpServer(app, config.httpTimeouts);
  await listen(server, config.port, config.host);
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info('gateway listening', {
    url: `http://${hostForUrl}:${config.port}/api/v1`,
    channel: profile.channel,
    chaincode: profile.chaincode,
    orgs: fabric.mspIds(),
  });
  stopOnSignals(server, fabric, store, projection, services.issuanceRecovery, services.accessAnchoring, logger);
}

main().catch((err: unknown) => {
  consoleLogger.error('gateway failed to start', { error: describe(err) });
  process.exit(1);
});
