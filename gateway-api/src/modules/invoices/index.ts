/** The invoice resource: its routes, request and response schemas, use cases, off-chain records and check-code guard. */
export { invoiceRoutes } from './routes';
export * from './schemas';
export { InvoiceService, type InvoiceServiceDeps, type IssueOutcome, type VerifyInput } from './service';
export { invoiceRecordId, invoiceRecordModel, type InvoiceRecord, type InvoiceRecordModel } from './record-model';
export { MongoInvoiceRecords, type InvoiceRecordData, type InvoiceRecords } from './records';
export {
  CHECK_CODE_FAILURE_COLLECTION,
  checkCodeFailureModel,
  type CheckCodeFailure,
  type CheckCodeFailureModel,
} from './check-code-failure-model';
export { MongoCheckCodeFailures, type CheckCodeFailures } from './check-code-failures';
export { CheckCodeGuard, DEFAULT_GUESS_LIMITS, type GuessLimits } from './check-code-guard';
export { invoiceViewSchema, toHistoryView, toInvoiceView, type HistoryEntryView, type InvoiceView } from './view';
