export { SecureFileStore } from './secure-file-store';
export type { StoredDocument } from './secure-file-store';
