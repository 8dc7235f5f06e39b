/**
 * Test fixture, never a deployment: the gateway API and the web pages (/app/) over the real
 * chaincode on an in-memory ledger and the fake off-chain store of the unit tests, listening on a
 * loopback port. For developing the pages and running tests/e2e without the platform:
 *
 *   npm run build && npm run fixture-server -w gateway-api     # PORT (default 18080)
 *   API_URL=http://127.0.0.1:18080 npm run test:e2e
 *
 * Users are the demo users (network/demo-users.json); the registry holds network/registry.json
 * (written by the in-memory network's bootstrap). The ledger clock is the machine's, so lock expiry
 * reads true in the pages. Check codes use the unit tests' (lowest) KDF iteration count. Everything
 * is lost when it stops.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import * as path from 'node:path';
import type { Context } from 'fabric-contract-api';
import { z } from 'zod';
import type { InMemoryLedger, TxOptions } from '../../chaincode/test/in-memory-ledger';
import { composeServices } from '../src/compose';
import { FabricLedgerClient } from '../src/fabric/ledger-client';
import { buildApp } from '../src/http/app';
import { consoleLogger } from '../src/logger';
import { UserDirectory } from '../src/modules/auth/users';
import { DEFAULT_GUESS_LIMITS } from '../src/modules/invoices/check-code-guard';
import { FakeOffchain } from './fake-offchain';
import { TEST_ITERATIONS } from './harness';
import { ChaincodeNetwork, InMemoryContracts } from './in-memory-fabric';

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = '127.0.0.1';

/** Transactions take the machine's time (the unit tests' ledger has a clock of its own, in January 2026). */
function onMachineClock(ledger: InMemoryLedger): void {
  const invoke = ledger.invoke.bind(ledger);
  ledger.invoke = <T>(mspId: string, run: (ctx: Context) => Promise<T>, options: TxOptions = {}) =>
    invoke(mspId, run, { ...options, seconds: options.seconds ?? Math.floor(Date.now() / 1000) });
}

async function main(): Promise<void> {
  const port = z.coerce
    .number()
    .int()
    .min(1024)
    .max(65535)
    .parse(process.env['PORT'] ?? '18080');
  const chaincode = new ChaincodeNetwork();
  onMachineClock(chaincode.ledger);
  const offchain = new FakeOffchain();
  const services = composeServices({
    ledger: new FabricLedgerClient(new InMemoryContracts(chaincode), { attempts: 3, baseDelayMs: 0 }),
    offchain,
    records: offchain.records,
    checkCodeFailures: offchain.checkCodeFailures,
    issuances: offchain.issuances,
    issuanceTiming: { leaseMs: 60_000, recoveryIntervalMs: 2_000 },
    guessLimits: DEFAULT_GUESS_LIMITS,
    checkCodeIterations: TEST_ITERATIONS,
    issuerSecret: randomBytes(32),
    logger: consoleLogger,
  });
  await chaincode.bootstrap();
  const app = buildApp({
    config: { jwtSecret: randomBytes(32).toString('hex'), rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 1_000 },
    services,
    users: await UserDirectory.fromFile(path.join(ROOT, 'network', 'demo-users.json')),
    logger: consoleLogger,
    webDir: path.join(ROOT, 'apps', 'web', 'dist'),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, HOST, (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  consoleLogger.info('fixture gateway listening', { url: `http://${HOST}:${port}/app/` });
  const stop = (): void => void server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  consoleLogger.error('fixture gateway failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
