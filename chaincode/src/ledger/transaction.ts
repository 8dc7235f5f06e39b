/** Facts about the running transaction, and events. */
import { ErrorCode, chaincodeError } from '../domain/errors';
import { encodeState } from './serialise';
import type { LedgerStub } from './stub';
import { timestampToIso } from './timestamp';

export interface TransactionFacts {
  readonly txId: string;
  /** The transaction timestamp (proposal header, same on every endorser), ISO-8601 UTC with ms. */
  readonly timestamp: string;
}

export function currentTransaction(stub: Pick<LedgerStub, 'getTxID' | 'getTxTimestamp'>): TransactionFacts {
  const txId = stub.getTxID();
  if (txId === '') {
    throw chaincodeError(ErrorCode.INTERNAL, 'transaction id is empty');
  }
  return { txId, timestamp: timestampToIso(stub.getTxTimestamp()) };
}

/** Sets the transaction's chaincode event (Fabric keeps one event per transaction). */
export function emitEvent(stub: Pick<LedgerStub, 'setEvent'>, name: string, payload: unknown): void {
  stub.setEvent(name, encodeState(payload));
}
