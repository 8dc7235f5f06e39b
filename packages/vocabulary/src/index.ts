export * from './orgs';
export * from './roles';
export * from './fields';
export * from './text';
export * from './invoice';
export * from './amounts';
export * from './errors';
export * from './contracts';
export { canonicalJson, CanonicalJsonError } from './canonical-json';
