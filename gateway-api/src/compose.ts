import { FabricInvoiceLedger } from './fabric/invoice-ledger';
import type { LedgerClient } from './fabric/ledger-client';
import type { Logger } from './logger';
import { HealthService } from './modules/health/service';
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

/** Builds the services over one ledger client and the off-chain ports. */
export function composeServices(deps: ServiceDeps): { invoices: InvoiceService; health: HealthService } {
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
  return { invoices, health: new HealthService(invoiceLedger, deps.offchain, deps.logger) };
}
