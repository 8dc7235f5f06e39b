import type { Server } from 'node:http';
import type { OffchainStore } from '@hdt/offchain-store';
import { loadConfig } from './config';
import { FabricConnections, loadConnectionProfile } from './fabric/connection';
import { FabricLedgerClient } from './fabric/ledger-client';
import { buildApp } from './http/app';
import { createHttpServer, listen } from './http/server';
import { consoleLogger, describe, type Logger } from './logger';
import { UserDirectory } from './modules/auth';
import {
  checkCodeFailureModel,
  invoiceRecordModel,
  MongoCheckCodeFailures,
  MongoInvoiceRecords,
} from './modules/invoices';
import { connectStore, offchainPorts } from './offchain';
import { composeServices } from './compose';
import { MspId } from '@hdt/vocabulary';
import { InvoiceProjection } from './projection/listener';
import { checkpointModel, invoiceViewModel } from './projection/model';
import { InvoiceStatisticsService } from './projection/statistics';
import { migrationItemModel, migrationJobModel, MongoMigrationStore } from './modules/migration';

const SHUTDOWN_GRACE_MS = 10_000;
const MODELS = [
  invoiceRecordModel,
  checkCodeFailureModel,
  invoiceViewModel,
  checkpointModel,
  migrationJobModel,
  migrationItemModel,
];

/** On SIGINT/SIGTERM: stop accepting requests, close Fabric and the store, exit (forced after a grace period). */
function stopOnSignals(
  server: Server,
  fabric: FabricConnections,
  store: OffchainStore,
  projection: InvoiceProjection,
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
    const closing = projection.stop();
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

  const services = composeServices({
    ledger: new FabricLedgerClient(fabric),
    offchain: offchainPorts(store),
    records: new MongoInvoiceRecords(invoiceRecordModel(store.connection)),
    checkCodeFailures: new MongoCheckCodeFailures(checkCodeFailureModel(store.connection)),
    guessLimits: config.guessLimits,
    checkCodeIterations: config.checkCodeIterations,
    issuerSecret: config.issuerSecret,
    logger,
    migrationStore: new MongoMigrationStore(migrationJobModel(store.connection), migrationItemModel(store.connection)),
  });
  const projection = startProjection(fabric, store, logger);
  const app = buildApp({
    config,
    services: { ...services, statistics: new InvoiceStatisticsService(invoiceViewModel(store.connection)) },
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
  stopOnSignals(server, fabric, store, projection, logger);
}

main().catch((err: unknown) => {
  consoleLogger.error('gateway failed to start', { error: describe(err) });
  process.exit(1);
});
