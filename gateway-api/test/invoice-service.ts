/** The invoice service over the in-memory chaincode network and off-chain fakes, with its recovery worker. */
import { FabricInvoiceLedger } from '../src/fabric/invoice-ledger';
import { FabricLedgerClient } from '../src/fabric/ledger-client';
import { FabricRegistryLedger } from '../src/fabric/registry-ledger';
import type { Logger } from '../src/logger';
import type { User } from '../src/modules/auth/roles';
import { CheckCodeDerivations } from '../src/modules/invoices/check-code-cache';
import { CheckCodeGuard, DEFAULT_GUESS_LIMITS } from '../src/modules/invoices/check-code-guard';
import { IssuanceRunner, type IssuanceRunnerDeps } from '../src/modules/invoices/issuance';
import { IssuanceRecoveryWorker } from '../src/modules/invoices/issuance-worker';
import { InvoiceService } from '../src/modules/invoices/service';
import { FakeOffchain } from './fake-offchain';
import { ISSUER_SECRET, TEST_ITERATIONS } from './harness';
import { ChaincodeNetwork, InMemoryContracts } from './in-memory-fabric';

/** A billing clerk of Hospital1, whose code range covers the test invoices. */
export const CLERK: User = {
  username: 'clerk1',
  displayName: 'Clerk',
  mspId: 'Hospital1MSP',
  role: 'billing_clerk',
  unit: 'Qingpu District Central Hospital',
};

export function serviceSetup(
  options: { reached?: IssuanceRunnerDeps['reached']; derivations?: CheckCodeDerivations } = {},
) {
  const chaincode = new ChaincodeNetwork();
  const offchain = new FakeOffchain();
  const logged: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (m) => logged.push(m), error: (m) => logged.push(m) };
  const client = new FabricLedgerClient(new InMemoryContracts(chaincode), { attempts: 2, baseDelayMs: 0 }, async () => {
    /* no wait between attempts */
  });
  const ledger = new FabricInvoiceLedger(client);
  const issuance = new IssuanceRunner({
    ledger,
    files: offchain.files,
    records: offchain.records,
    idempotency: offchain.idempotency,
    issuances: offchain.issuances,
    logger,
    leaseMs: 60_000,
    reached: options.reached,
  });
  const service = new InvoiceService({
    ledger,
    files: offchain.files,
    records: offchain.records,
    idempotency: offchain.idempotency,
    guard: new CheckCodeGuard(offchain.checkCodeFailures, DEFAULT_GUESS_LIMITS, logger),
    issuerSecret: ISSUER_SECRET,
    checkCodeIterations: TEST_ITERATIONS,
    issuance,
    registry: new FabricRegistryLedger(client),
    logger,
    derivations: options.derivations,
  });
  /** The recovery worker, as if `ms` had passed. */
  const recoverAfter = (ms: number) =>
    new IssuanceRecoveryWorker(offchain.issuances, issuance, logger, {
      intervalMs: 1000,
      leaseMs: 60_000,
      clock: () => new Date(Date.now() + ms),
    }).round();
  return { chaincode, offchain, service, logged, recoverAfter };
}
