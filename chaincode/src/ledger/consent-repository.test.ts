import { canonicalJson } from '@hdt/vocabulary';
import { ConsentBench, RESIDENT_A, RESIDENT_B } from '../../test/consent';
import { InMemoryTransaction } from '../../test/in-memory-ledger';
import { GrantRepository, ResidentKeyRepository } from './consent-repository';
import { grantKey, residentKeyKey } from './keys';

async function withGrant(): Promise<{
  bench: ConsentBench;
  stub: InMemoryTransaction;
  stored: Record<string, unknown>;
}> {
  const bench = new ConsentBench();
  await bench.register();
  const stored = JSON.parse(await bench.grant()) as Record<string, unknown>;
  return { bench, stub: new InMemoryTransaction(bench.ledger, 'q', 0, 0), stored };
}

describe('consent repositories', () => {
  it('report malformed stored grants and keys as INTERNAL, naming the field', async () => {
    const { bench, stub, stored } = await withGrant();
    bench.ledger.seed(grantKey(stub, RESIDENT_A, 'g-0001'), canonicalJson({ ...stored, uses: -1 }));
    await expect(new GrantRepository(stub).get(RESIDENT_A, 'g-0001')).rejects.toThrow(
      `INTERNAL: grant g-0001 of resident ${RESIDENT_A} state is malformed: uses must be a non-negative integer`,
    );
    await expect(new GrantRepository(stub).listByResident(RESIDENT_A)).rejects.toThrow(
      /^INTERNAL: grant at .* malformed/,
    );
    bench.ledger.seed(residentKeyKey(stub, RESIDENT_A), 'not json');
    await expect(new ResidentKeyRepository(stub).get(RESIDENT_A)).rejects.toThrow(
      `INTERNAL: key of resident ${RESIDENT_A} state is not valid JSON`,
    );
  });

  it('refuse a value stored under another key', async () => {
    const { bench, stub, stored } = await withGrant();
    bench.ledger.seed(grantKey(stub, RESIDENT_A, 'g-0002'), canonicalJson(stored));
    await expect(new GrantRepository(stub).get(RESIDENT_A, 'g-0002')).rejects.toThrow(
      /^INTERNAL: grant g-0002 .* state holds another object$/,
    );
    bench.ledger.seed(grantKey(stub, RESIDENT_B, 'g-0001'), canonicalJson(stored));
    await expect(new GrantRepository(stub).listByResident(RESIDENT_B)).rejects.toThrow(/holds another object$/);
    const key = JSON.parse(bench.stored('resident-key', RESIDENT_A)) as object;
    bench.ledger.seed(residentKeyKey(stub, RESIDENT_B), canonicalJson(key));
    await expect(new ResidentKeyRepository(stub).get(RESIDENT_B)).rejects.toThrow(/holds another object$/);
  });

  it('return histories oldest first, with deletions as null', async () => {
    const { bench, stub, stored } = await withGrant();
    const key = grantKey(stub, RESIDENT_A, 'g-0001');
    bench.ledger.seedDeletion(key, 'tx-del');
    bench.ledger.seed(key, canonicalJson(stored), 'tx-again');
    const history = await new GrantRepository(stub).history(RESIDENT_A, 'g-0001');
    expect(history.map((entry) => [entry.txId, entry.isDelete, entry.value?.grantId ?? null])).toEqual([
      ['tx0002', false, 'g-0001'],
      ['tx-del', true, null],
      ['tx-again', false, 'g-0001'],
    ]);
  });
});
