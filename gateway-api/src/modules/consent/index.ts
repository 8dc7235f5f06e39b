/** The consent resource: residents' SM2 keys and signed grants through the gateway, and the doctor's view. */
export { consentRoutes } from './routes';
export { consentComponents } from './schemas';
export { ConsentService, type ConsentServiceDeps } from './service';
export { FabricConsentLedger, type ConsentLedger } from './ledger';
