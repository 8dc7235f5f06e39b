/** Share links: a resident's encrypted, expiring link to one record, withdrawable; every open is a logged access. */
export { shareLinkRoutes, type ShareLinkRoutesDeps } from './routes';
export { shareLinkComponents } from './schemas';
export { ShareLinkService, type ShareLinkServiceDeps } from './service';
export { InMemoryShareLinkStore, type ShareLinkStore, type StoredShareLink } from './store';
export { MongoShareLinkStore, shareLinkModel } from './mongo-store';
