import { peer } from '@hyperledger/fabric-protos';
import { InMemoryLedger, InMemoryTransaction } from '../../test/in-memory-ledger';
import { getStateMultipleResult, writeBatchState } from './proto-wire';
import { GET_STATE_MULTIPLE, STATE_BATCH_MAX, WRITE_BATCH_STATE, getStates, putStates } from './state-batch';
import type { LedgerStub } from './stub';

/** A stand-in for the shim's message queue, answering as a Fabric 3.1 peer does (decoded with fabric-protos 0.3). */
class FakePeer {
  readonly state = new Map<string, Uint8Array>();
  readonly sent: { type: number; txid: string; channel: string; method: string }[] = [];

  _askPeerAndListen(msg: peer.ChaincodeMessage, method: string): Promise<Uint8Array> {
    this.sent.push({ type: msg.getType(), txid: msg.getTxid(), channel: msg.getChannelId(), method });
    if (msg.getType() === WRITE_BATCH_STATE) {
      for (const rec of peer.WriteBatchState.deserializeBinary(msg.getPayload_asU8()).getRecList()) {
        expect(rec.getType()).toBe(peer.WriteRecord.Type.PUT_STATE);
        this.state.set(rec.getKey(), rec.getValue_asU8());
      }
      return Promise.resolve(new Uint8Array());
    }
    const keys = peer.GetStateMultiple.deserializeBinary(msg.getPayload_asU8()).getKeysList();
    const result = new peer.GetStateMultipleResult();
    result.setValuesList(keys.map((key) => this.state.get(key) ?? new Uint8Array()));
    return Promise.resolve(result.serializeBinary());
  }
}

function shimStub(fake: FakePeer): LedgerStub {
  const unused = () => {
    throw new Error('a batch must not fall back to one key at a time');
  };
  const base = { getState: unused, putState: unused } as unknown as LedgerStub;
  return Object.assign(base, { handler: fake, channel_id: 'healthchannel', txId: 'tx-1' });
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array) => new TextDecoder().decode(value);

describe('the batch messages on the wire', () => {
  it('encode as protoc would and decode the peer answer', () => {
    const hex = Buffer.from(writeBatchState([{ key: 'a', value: bytes('1') }])).toString('hex');
    expect(hex).toBe('0a080a01611201312809');
    const answer = new peer.GetStateMultipleResult();
    answer.setValuesList([bytes('x'.repeat(300)), new Uint8Array(), bytes('y')]);
    const values = getStateMultipleResult(answer.serializeBinary()).map(text);
    expect(values).toEqual(['x'.repeat(300), '', 'y']);
    expect(() => getStateMultipleResult(Uint8Array.from([0x0a, 0x05, 0x61]))).toThrow(/truncated/);
  });
});

describe('state batches', () => {
  it('writes and reads many keys in one message each through the shim', async () => {
    const fake = new FakePeer();
    const stub = shimStub(fake);
    await putStates(stub, [
      { key: 'a', value: bytes('1') },
      { key: 'b', value: bytes('2') },
    ]);
    expect((await getStates(stub, ['b', 'missing', 'a'])).map(text)).toEqual(['2', '', '1']);
    expect(fake.sent).toEqual([
      {
        type: WRITE_BATCH_STATE,
        txid: 'tx-1',
        channel: 'healthchannel',
        method: 'WriteBatchState',
      },
      {
        type: GET_STATE_MULTIPLE,
        txid: 'tx-1',
        channel: 'healthchannel',
        method: 'GetStateMultiple',
      },
    ]);
  });

  it('splits more keys than the peer takes at once into several messages', async () => {
    const fake = new FakePeer();
    const keys = Array.from({ length: STATE_BATCH_MAX + 5 }, (_, i) => `k${i}`);
    await putStates(
      shimStub(fake),
      keys.map((key) => ({ key, value: bytes(key) })),
    );
    expect(fake.sent).toHaveLength(2);
    expect(fake.state.size).toBe(keys.length);
    const values = await getStates(shimStub(fake), keys);
    expect(values.map(text)).toEqual(keys);
    expect(fake.sent).toHaveLength(4);
  });

  it('refuses an answer that does not give one value per key', async () => {
    const fake = new FakePeer();
    fake._askPeerAndListen = () => Promise.resolve(new peer.GetStateMultipleResult().serializeBinary());
    await expect(getStates(shimStub(fake), ['a'])).rejects.toThrow(/answered 0 of 1 keys/);
  });

  it('falls back to one key at a time on a stub without the shim queue', async () => {
    const ledger = new InMemoryLedger();
    ledger.seed('x', '9');
    const tx = new InMemoryTransaction(ledger, 'tx-1', 1, 0);
    await putStates(tx, [{ key: 'y', value: bytes('8') }]);
    expect(text(tx.writes.get('y') ?? new Uint8Array())).toBe('8');
    expect((await getStates(tx, ['x', 'y'])).map(text)).toEqual(['9', '']);
  });
});
