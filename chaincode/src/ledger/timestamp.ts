/** Reading protobuf timestamps handed out by the shim. */
import { ErrorCode, chaincodeError } from '../domain/errors';
import { isoFromEpoch } from '../domain/time';
import type { TimestampLike } from './stub';

function hasToNumber(value: object): value is { toNumber(): unknown } {
  return 'toNumber' in value && typeof value.toNumber === 'function';
}

/** Accepts a number, a bigint, a decimal string or a `Long` (anything with `toNumber()`). */
export function epochSeconds(value: unknown): number {
  let seconds: unknown = value;
  if (typeof value === 'bigint') {
    seconds = Number(value);
  } else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) {
    seconds = Number(value);
  } else if (typeof value === 'object' && value !== null && hasToNumber(value)) {
    seconds = value.toNumber();
  }
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds)) {
    throw chaincodeError(ErrorCode.INTERNAL, 'transaction timestamp has unreadable seconds');
  }
  return seconds;
}

export function timestampToIso(timestamp: TimestampLike): string {
  const nanos = timestamp.nanos ?? 0;
  if (typeof nanos !== 'number') {
    throw chaincodeError(ErrorCode.INTERNAL, 'transaction timestamp has unreadable nanos');
  }
  return isoFromEpoch(epochSeconds(timestamp.seconds), nanos);
}
