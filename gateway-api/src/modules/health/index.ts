/** The health resource: the state of Fabric, the database and IPFS. */
export { healthRoutes } from './routes';
export * from './schemas';
export { HealthService } from './service';
