/** The EMPI (master patient index): one resident's records across hospitals, merges and splits audited. */
export { empiRoutes } from './routes';
export { empiComponents } from './schemas';
export { EmpiService, type EmpiServiceDeps } from './service';
export { InMemoryEmpiStore, type EmpiStore } from './store';
export { MongoEmpiStore, empiAuditModel, empiLinkModel, empiResidentModel } from './model';
export { empiKey } from './matching';
export { FabricEmpiAnchors, InMemoryEmpiAnchors, type EmpiAuditAnchors } from './anchors';
