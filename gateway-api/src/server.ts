import type { Server } from 'node:http';
import type { Express } from 'express';
import type { OffchainStore } from '@hdt/offchain-store';
import { type Config, loadConfig } from './config';
import { FabricConnections, loadConnectionProfile } from './fabric/connection';
import { FabricLedgerClient } from './fabric/ledger-client';
import { buildApp } from './http/app';
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

const SHUTDOWN_GRACE_MS = 10_000;

function listen(app: Express, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
}

/** On SIGINT/SIGTERM: stop accepting requests, close Fabric and the store, exit (forced after a grace period). */
function stopOnSignals(server: Server, fabric: FabricConnections, store: OffchainStore, logger: Logger): void {
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
    server.close(() => {
      fabric.close();
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

async function main(): Promise<void> {
  const logger = consoleLogger;
  const config = loadConfig();
  const users = await UserDirectory.fromFile(config.demoUsersFile);
  const profile = await loadConnectionProfile(config.fabricConnectionFile);
  const fabric = await FabricConnections.open(profile);
  const store = await connectStore(config, [invoiceRecordModel, checkCodeFailureModel]).catch((err: unknown) => {
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
  });
  const app = buildApp({ config, services, users, logger, webDir: config.webDir });

  const server = await listen(app, config);
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info('gateway listening', {
    url: `http://${hostForUrl}:${config.port}/api/v1`,
    channel: profile.channel,
    chaincode: profile.chaincode,
    orgs: fabric.mspIds(),
  });
  stopOnSignals(server, fabric, store, logger);
}

main().catch((err: unknown) => {
  consoleLogger.error('gateway failed to start', { error: describe(err) });
  process.exit(1);
});
