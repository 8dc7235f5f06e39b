/** Reading checked values and their history back from the ledger. */
import type { HistoryEntry } from '@hdt/vocabulary';
import { ChaincodeError, ErrorCode, chaincodeError } from '../domain/errors';
import { decodeState } from './serialise';
import type { LedgerStub } from './stub';
import { timestampToIso } from './timestamp';

/** Decodes and checks stored bytes; a malformed value is the ledger's fault (INTERNAL), not the caller's. */
export function readStored<T>(bytes: Uint8Array, what: string, parse: (value: unknown) => T): T {
  try {
    return parse(decodeState(bytes, what));
  } catch (error) {
    if (error instanceof ChaincodeError && error.code === ErrorCode.INVALID_ARGUMENT) {
      throw chaincodeError(ErrorCode.INTERNAL, `${what} is malformed: ${error.detail}`);
    }
    throw error;
  }
}

/** The state at `key`, checked, or undefined when there is none. */
export async function getStored<T>(
  stub: LedgerStub,
  key: string,
  what: string,
  parse: (value: unknown) => T,
): Promise<T | undefined> {
  const bytes = await stub.getState(key);
  if (bytes === undefined || bytes.length === 0) return undefined;
  return readStored(bytes, `${what} state`, parse);
}

/** Every committed version at `key`, oldest first (Fabric answers newest first). */
export async function storedHistory<T>(
  stub: LedgerStub,
  key: string,
  what: string,
  parse: (value: unknown) => T,
): Promise<HistoryEntry<T>[]> {
  const newestFirst: HistoryEntry<T>[] = [];
  for await (const modification of stub.getHistoryForKey(key)) {
    const deleted = modification.isDelete === true;
    newestFirst.push({
      txId: modification.txId,
      timestamp: timestampToIso(modification.timestamp),
      isDelete: deleted,
      value: deleted ? null : readStored(modification.value, `${what} history entry ${modification.txId}`, parse),
    });
  }
  return newestFirst.reverse();
}
