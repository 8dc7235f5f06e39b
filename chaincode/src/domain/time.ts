/**
 * Conversion of a transaction timestamp (seconds + nanoseconds since the Unix
 * epoch) to ISO-8601 UTC with milliseconds. Pure: the timestamp is passed in.
 */
import { ErrorCode, chaincodeError } from './errors';

const NANOS_PER_SECOND = 1_000_000_000;
const NANOS_PER_MILLI = 1_000_000;
/** 9999-12-31T23:59:59Z: the last second with a four-digit year. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

export function isoFromEpoch(seconds: number, nanos: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_EPOCH_SECONDS) {
    throw chaincodeError(ErrorCode.INTERNAL, `timestamp seconds out of range: ${seconds}`);
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos >= NANOS_PER_SECOND) {
    throw chaincodeError(ErrorCode.INTERNAL, `timestamp nanos out of range: ${nanos}`);
  }
  const millis = seconds * 1000 + Math.floor(nanos / NANOS_PER_MILLI);
  return new Date(millis).toISOString();
}
