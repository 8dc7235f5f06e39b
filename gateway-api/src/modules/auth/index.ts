/** The auth resource: login and the current user, the bearer-token middleware and the user directory. */
export { authRoutes } from './routes';
export * from './schemas';
export { authenticate, currentUser, requireInvoiceIssuer } from './middleware';
export { canIssueInvoices, type User } from './roles';
export { UserDirectory } from './users';
export { LoginThrottle } from './throttle';
