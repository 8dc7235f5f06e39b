/** The migration resource: bulk import of a hospital's historic invoices, resumable, with a reconciliation report. */
export { migrationRoutes } from './routes';
export * from './schemas';
export { MigrationService, type MigrationServiceDeps, type SourceInput } from './service';
export { InMemoryMigrationStore, type MigrationStore } from './store';
export {
  MongoMigrationStore,
  migrationItemModel,
  migrationJobModel,
  MIGRATION_ITEM_COLLECTION,
  MIGRATION_JOB_COLLECTION,
} from './mongo-store';
