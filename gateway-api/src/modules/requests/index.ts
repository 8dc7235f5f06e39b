/** Doctors' access requests answered by residents (remotely or on site), and the closing of referrals. */
export { requestRoutes } from './routes';
export { requestComponents } from './schemas';
export { AccessRequestService, type AccessRequestServiceDeps } from './service';
export { FabricReferralLedger, ReferralService, type ReferralLedger } from './referrals';
export { InMemoryAccessRequestStore, type AccessRequestStore } from './store';
export { accessRequestModel, MongoAccessRequestStore, ACCESS_REQUEST_COLLECTION } from './mongo-store';
