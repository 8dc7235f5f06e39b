export { describeError, isOffchainError, OFFCHAIN_ERROR_CODES, OffchainError } from './errors';
export type { OffchainErrorCode } from './errors';
export * from './crypto';
export * from './keys';
export * from './blobs';
export * from './files';
export * from './documents';
export { connectOffchain, deriveKekId } from './connect';
export type { ConnectOptions, DependencyState, ModelRegistration, OffchainHealth, OffchainStore } from './connect';
