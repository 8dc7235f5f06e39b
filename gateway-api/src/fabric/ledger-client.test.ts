import type { Contract } from '@hyperledger/fabric-gateway';
import type { ContractProvider } from './connection';
import { FabricLedgerClient, settled } from './ledger-client';

/** Peers that confirm a commit after the given delays; a negative delay never confirms. */
class Peers implements ContractProvider {
  readonly asked: string[] = [];
  constructor(private readonly delays: Record<string, number>) {}
  mspIds(): string[] {
    return Object.keys(this.delays);
  }
  contract(): Contract | undefined {
    return undefined;
  }
  committedAt(mspId: string, txId: string, timeoutMs: number): Promise<void> {
    this.asked.push(`${mspId} ${txId} ${timeoutMs}`);
    const delay = this.delays[mspId] ?? -1;
    if (delay < 0) return Promise.reject(new Error(`${mspId}: deadline exceeded`));
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}

describe('FabricLedgerClient.settle', () => {
  it('waits for every organisation and names those whose peer did not confirm', async () => {
    const peers = new Peers({ Hospital1MSP: 30, Hospital2MSP: -1, HealthCommMSP: 0 });
    const client = new FabricLedgerClient(peers);
    const started = Date.now();
    await expect(client.settle('tx-9')).resolves.toEqual(['Hospital2MSP']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(peers.asked).toEqual(['Hospital1MSP tx-9 5000', 'Hospital2MSP tx-9 5000', 'HealthCommMSP tx-9 5000']);
  });

  it('answers a settled submission with its result once every peer was asked, even when one lags', async () => {
    const peers = new Peers({ Hospital1MSP: 0, MedInsMSP: -1 });
    const one = new FabricLedgerClient(peers);
    await expect(settled(one, Promise.resolve({ result: 1, txId: 't' }))).resolves.toEqual({ result: 1, txId: 't' });
    expect(peers.asked).toEqual(['Hospital1MSP t 5000', 'MedInsMSP t 5000']);
  });

  it('does not wait when the submission fails', async () => {
    const peers = new Peers({ Hospital1MSP: 0 });
    await expect(settled(new FabricLedgerClient(peers), Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    expect(peers.asked).toEqual([]);
  });
});
