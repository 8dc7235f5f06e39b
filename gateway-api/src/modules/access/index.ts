/** Access to health records: content off chain, the ledger's ruling, the anchored access log, break-glass. */
export { accessRoutes, type AccessRoutesDeps } from './routes';
export { accessComponents } from './schemas';
export { AccessService, type AccessServiceDeps } from './service';
export { ContentService } from './content';
export { AccessAudit } from './audit';
export { AccessAnchorWorker } from './anchoring';
export { FabricAccessLedger, type AccessLedger } from './ledger';
export { noopNotifier, type AccessNotifier, type AccessEvent } from './notifier';
export { InMemoryAccessLog, InMemoryRecordContents, type AccessLog, type RecordContents } from './stores';
export {
  MongoAccessLog,
  MongoRecordContents,
  accessLogModel,
  accessSequenceModel,
  recordContentModel,
} from './mongo-stores';
