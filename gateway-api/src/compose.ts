import { FabricInvoiceLedger } from './fabric/invoice-ledger';
import { FabricLifecycleLedger } from './fabric/lifecycle-ledger';
import { FabricRegistryLedger } from './fabric/registry-ledger';
import type { LedgerClient } from './fabric/ledger-client';
import type { Logger } from './logger';
import { HealthService } from './modules/health/service';
import { LifecycleService } from './modules/invoices/lifecycle-service';
import { InvoiceService } from './modules/invoices/service';
import type { InvoiceRecords } from './modules/invoices/records';
import type { OffchainPorts } from './ports';

export interface ServiceDeps {
  ledger: LedgerClient;
  offchain: OffchainPorts;
  /** The off-chain records of issued invoices. */
  records: InvoiceRecords;
  /** Key of the payer pseudonym (HMAC-SM3 of the payer's ID number). */
  issuerSecret: Uint8Array;
  logger: Logger;
  /** Overrides check-code generation (tests). */
  newCheckCode?: () => string;
}

export interface Services {
  invoices: InvoiceService;
  lifecycle: LifecycleService;
  registry: FabricRegistryLedger;
  health: HealthService;
}

/** Builds the services over one ledger client and the off-chain ports. */
export function composeServices(deps: ServiceDeps): Services {
  const invoiceLedger = new FabricInvoiceLedger(deps.ledger);
  const { files, idempotency } = deps.offchain;
  const invoices = new InvoiceService({
    ledger: invoiceLedger,
    files,
    records: deps.records,
    idempotency,
    issuerSecret: deps.issuerSecret,
    logger: deps.logger,
    ...(deps.newCheckCode === undefined ? {} : { newCheckCode: deps.newCheckCode }),
  });
  const lifecycle = new LifecycleService({ ledger: new FabricLifecycleLedger(deps.ledger), logger: deps.logger });
  return {
    invoices,
    lifecycle,
    registry: new FabricRegistryLedger(deps.ledger),
    health: new HealthService(invoiceLedger, deps.offchain, deps.logger),
  };
}
