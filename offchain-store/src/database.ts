import mongoose from 'mongoose';
import { describeError, OffchainError } from './errors';

/** Whether a thrown value is a MongoDB duplicate-key error (E11000), as FerretDB also reports it. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code: unknown = Reflect.get(error, 'code');
  return code === 11000 || code === 11001;
}

/** Turns a driver or mongoose failure into an OffchainError; OffchainErrors pass through. */
export function toDatabaseError(error: unknown, action: string): OffchainError {
  if (error instanceof OffchainError) return error;
  if (error instanceof mongoose.Error.ValidationError || error instanceof mongoose.Error.CastError) {
    return new OffchainError('INVALID_ARGUMENT', `${action}: ${describeError(error)}`, { cause: error });
  }
  return new OffchainError('DATABASE_UNAVAILABLE', `${action}: ${describeError(error)}`, { cause: error });
}

/** Bytes of a stored binary field, whether the driver returned a Buffer or a BSON Binary. */
export function binaryToBuffer(value: unknown): Buffer | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value instanceof mongoose.mongo.Binary) return Buffer.from(value.buffer);
  return undefined;
}

/** A Date field read back from the database. */
export function parseStoredDate(value: unknown): Date | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : undefined;
}
