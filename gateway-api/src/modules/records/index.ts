/** The health-record index: batches anchored by an SM3 Merkle root, per-record proofs, verification. */
export { recordsRoutes } from './routes';
export { recordsComponents } from './schemas';
export { RecordsService, type RecordsServiceDeps } from './service';
export { FabricRecordsLedger, type RecordsLedger } from './ledger';
export { RecordIntake, type RecordIntakeDeps } from './intake';
export { InMemoryQualityStore, type QualityStore } from './quality-store';
export { MongoQualityStore, qualityErrorModel, dailyQualityModel } from './quality-model';
export { InMemoryRecordEntries, MongoRecordEntries, recordEntryModel, type RecordEntries } from './entries';
