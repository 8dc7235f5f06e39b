/** The invoice resource: its routes, request and response schemas, use cases and off-chain records. */
export { invoiceRoutes } from './routes';
export * from './schemas';
export { InvoiceService, type InvoiceServiceDeps, type IssueOutcome, type VerifyInput } from './service';
export { invoiceRecordId, invoiceRecordModel, type InvoiceRecord, type InvoiceRecordModel } from './record-model';
export { MongoInvoiceRecords, type InvoiceRecordData, type InvoiceRecords } from './records';
