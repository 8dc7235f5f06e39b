/** The health resource: the state of Fabric, the database and IPFS. */
export { healthRouter } from './router';
export * from './schemas';
export { HealthService } from './service';
