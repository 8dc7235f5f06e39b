/**
 * The part of the Fabric chaincode stub the ledger layer uses. The real
 * `ChaincodeStub` satisfies it (checked wherever the contract passes `ctx.stub`),
 * and tests can implement it in memory.
 */

/**
 * A protobuf timestamp as the shim hands it out: `seconds` is a `Long` from
 * `getTxTimestamp()` but a plain number (or numeric string) in history entries.
 */
export interface TimestampLike {
  readonly seconds: unknown;
  readonly nanos: unknown;
}

export interface KeyModificationLike {
  readonly txId: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
  readonly timestamp: TimestampLike;
}

export interface KeyValueLike {
  readonly key: string;
  readonly value: Uint8Array;
}

export interface LedgerStub {
  getState(key: string): Promise<Uint8Array>;
  putState(key: string, value: Uint8Array): Promise<void>;
  createCompositeKey(objectType: string, attributes: string[]): string;
  getTxID(): string;
  getTxTimestamp(): TimestampLike;
  setEvent(name: string, payload: Uint8Array): void;
  getHistoryForKey(key: string): AsyncIterable<KeyModificationLike>;
  /** The committed states whose composite keys start with `objectType` and `attributes`, in key order. */
  getStateByPartialCompositeKey(objectType: string, attributes: string[]): AsyncIterable<KeyValueLike>;
  /** Sets a key-level (state-based) endorsement policy: serialised SignaturePolicyEnvelope bytes. */
  setStateValidationParameter(key: string, policy: Uint8Array): Promise<void>;
}
