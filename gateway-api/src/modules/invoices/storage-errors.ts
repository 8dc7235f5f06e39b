import { z } from 'zod';
import { AppError } from '../../errors';

const offchainErrorShape = z.object({ code: z.string() });

/** Maps an error of the off-chain store to an AppError (storage errors are never the client's fault). */
export function fromStorageError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const shape = err instanceof Error ? offchainErrorShape.safeParse(err) : undefined;
  const code = shape?.success ? shape.data.code : undefined;
  switch (code) {
    case 'DATABASE_UNAVAILABLE':
    case 'BLOB_STORE_UNAVAILABLE':
    case 'KEK_UNAVAILABLE':
      return new AppError('STORAGE_UNAVAILABLE', `${what}: storage is unavailable, try again later`, { cause: err });
    case 'KEY_DESTROYED':
      return new AppError('NOT_FOUND', `${what}: the document was erased`, { cause: err });
    default:
      return new AppError('INTERNAL', `${what} failed`, { cause: err });
  }
}
