/**
 * Many keys in one round trip to the peer. Each `getState` or `putState` of the shim waits for
 * the peer's answer before the next may go, so a batch of N records costs 2N round trips. Fabric
 * 3.1 peers also take a whole write batch (WRITE_BATCH_STATE) and a multi-key read
 * (GET_STATE_MULTIPLE) in one message; fabric-shim 2.5 has no call for them, so they are sent
 * through its message queue here. A stub without that queue (the in-memory ledger of the tests)
 * gets the same effect one key at a time. What is read and written is the same either way.
 */
import { createRequire } from 'node:module';
import type { peer } from '@hyperledger/fabric-protos';
import { getStateMultiple, getStateMultipleResult, writeBatchState } from './proto-wire';
import type { LedgerStub } from './stub';

/** The shim's own protobuf classes: its stream sends only messages of its ChaincodeMessage class. */
const shimProtos = createRequire(require.resolve('fabric-shim'))(
  '@hyperledger/fabric-protos',
) as typeof import('@hyperledger/fabric-protos');

/** ChaincodeMessage.Type values the shim's protos predate. */
export const WRITE_BATCH_STATE = 24;
export const GET_STATE_MULTIPLE = 25;

/** Keys per message: the peer's default maximum (core.yaml chaincode.runtimeParams) is 1000. */
export const STATE_BATCH_MAX = 1000;

interface ShimQueue {
  _askPeerAndListen(message: peer.ChaincodeMessage, method: string): Promise<Uint8Array>;
}

interface ShimStub {
  readonly handler?: Partial<ShimQueue>;
  readonly channel_id?: string;
  readonly txId?: string;
}

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += STATE_BATCH_MAX) out.push(items.slice(i, i + STATE_BATCH_MAX));
  return out;
}

/** The shim's queue and the transaction's address, when the stub is the shim's. */
function shimOf(stub: LedgerStub): { queue: ShimQueue; channel: string; txId: string } | undefined {
  const shim = stub as LedgerStub & ShimStub;
  const ask = shim.handler?._askPeerAndListen;
  if (typeof ask !== 'function' || shim.channel_id === undefined || shim.txId === undefined) return undefined;
  return { queue: shim.handler as ShimQueue, channel: shim.channel_id, txId: shim.txId };
}

function message(
  type: typeof WRITE_BATCH_STATE | typeof GET_STATE_MULTIPLE,
  payload: Uint8Array,
  shim: { channel: string; txId: string },
): peer.ChaincodeMessage {
  const msg = new shimProtos.peer.ChaincodeMessage();
  msg.setType(type);
  msg.setPayload(payload);
  msg.setTxid(shim.txId);
  msg.setChannelId(shim.channel);
  return msg;
}

/** Writes every entry, in order, as `putState` would. */
export async function putStates(stub: LedgerStub, entries: readonly StateEntry[]): Promise<void> {
  const shim = shimOf(stub);
  if (shim === undefined) {
    for (const { key, value } of entries) await stub.putState(key, value);
    return;
  }
  for (const part of chunks(entries)) {
    const msg = message(WRITE_BATCH_STATE, writeBatchState(part), shim);
    await shim.queue._askPeerAndListen(msg, 'WriteBatchState');
  }
}

/** The committed value of each key, in the order asked; empty where there is none. */
export async function getStates(stub: LedgerStub, keys: readonly string[]): Promise<Uint8Array[]> {
  const shim = shimOf(stub);
  if (shim === undefined) return Promise.all(keys.map((key) => stub.getState(key)));
  const values: Uint8Array[] = [];
  for (const part of chunks(keys)) {
    const msg = message(GET_STATE_MULTIPLE, getStateMultiple(part), shim);
    const got = getStateMultipleResult(await shim.queue._askPeerAndListen(msg, 'GetStateMultiple'));
    if (got.length !== part.length) throw new Error(`GetStateMultiple answered ${got.length} of ${part.length} keys`);
    values.push(...got);
  }
  return values;
}
