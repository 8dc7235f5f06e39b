import {
  cidsIn,
  InMemoryOrphanSightings,
  OrphanFinder,
  valuesNamed,
  type LiveDataKeys,
  type PinnedBlobs,
} from './blob-orphans';

/** A blob store's pins in memory. */
class FakePins implements PinnedBlobs {
  readonly pins = new Set<string>();
  readonly unpinnedCalls: string[] = [];

  pinned(): Promise<string[]> {
    return Promise.resolve([...this.pins]);
  }

  unpin(cid: string): Promise<void> {
    this.unpinnedCalls.push(cid);
    this.pins.delete(cid);
    return Promise.resolve();
  }
}

/** A key store's keys in memory: creation times, and which were destroyed. */
class FakeKeys implements LiveDataKeys {
  readonly created = new Map<string, Date>();
  readonly destroyed: string[] = [];

  liveBefore(before: Date): Promise<string[]> {
    const live = [...this.created].filter(([id, at]) => at <= before && !this.destroyed.includes(id));
    return Promise.resolve(live.map(([id]) => id));
  }

  destroy(keyId: string): Promise<void> {
    this.destroyed.push(keyId);
    return Promise.resolve();
  }
}

const GRACE_MS = 10 * 60_000;

function setup() {
  const pins = new FakePins();
  const referenced = new Set<string>();
  const namedKeys = new Set<string>();
  const keys = new FakeKeys();
  let now = new Date('2026-01-01T00:00:00Z');
  const finder = new OrphanFinder({
    pins,
    references: { referenced: () => Promise.resolve({ cids: new Set(referenced), keyIds: new Set(namedKeys) }) },
    sightings: new InMemoryOrphanSightings(),
    keys,
    graceMs: GRACE_MS,
    clock: () => now,
  });
  const later = (ms: number) => (now = new Date(now.getTime() + ms));
  return { pins, referenced, namedKeys, keys, finder, later, now: () => now };
}

describe('OrphanFinder', () => {
  it('reports a pinned, unreferenced CID only once it stayed so for the grace period', async () => {
    const { pins, referenced, finder, later } = setup();
    pins.pins.add('bafyreferenced');
    pins.pins.add('bafyorphan');
    referenced.add('bafyreferenced');

    const first = await finder.find();
    expect(first).toMatchObject({ pinned: 2, referenced: 1, orphans: [], withinGrace: 1, graceSeconds: 600 });
    later(GRACE_MS - 1);
    expect((await finder.find()).orphans).toEqual([]);
    later(1);
    const due = await finder.find();
    expect(due.orphans).toEqual([{ cid: 'bafyorphan', firstSeenAt: '2026-01-01T00:00:00.000Z' }]);
    expect(due.withinGrace).toBe(0);
  });

  it('forgets a CID that became referenced (its saga recorded it), so it starts over if it is orphaned later', async () => {
    const { pins, referenced, finder, later } = setup();
    pins.pins.add('bafyinflight');
    await finder.find();
    referenced.add('bafyinflight');
    later(GRACE_MS);
    expect((await finder.find()).orphans).toEqual([]);
    referenced.delete('bafyinflight');
    later(GRACE_MS);
    expect((await finder.find()).orphans).toEqual([]);
  });

  it('unpins only the listed CIDs still pinned and still unreferenced', async () => {
    const { pins, referenced, finder } = setup();
    for (const cid of ['bafya', 'bafyb', 'bafyc']) pins.pins.add(cid);
    referenced.add('bafyb');
    const result = await finder.unpin(['bafya', 'bafyb', 'bafygone']);
    expect(result).toEqual({ unpinned: ['bafya'], kept: ['bafyb', 'bafygone'], keysDestroyed: [] });
    expect(pins.unpinnedCalls).toEqual(['bafya']);
    expect([...pins.pins].sort()).toEqual(['bafyb', 'bafyc']);
  });

  it('destroys, after unpinning, only the live keys nothing names that are older than the grace period', async () => {
    const { namedKeys, keys, finder, later, now } = setup();
    keys.created.set('orphan-key', now());
    keys.created.set('named-key', now());
    namedKeys.add('named-key');
    later(GRACE_MS - 1);
    keys.created.set('young-key', now());
    expect((await finder.find()).orphanKeys).toBe(0);
    later(1);
    expect((await finder.find()).orphanKeys).toBe(1);

    const result = await finder.unpin([]);
    expect(result.keysDestroyed).toEqual(['orphan-key']);
    expect(keys.destroyed).toEqual(['orphan-key']);
    expect((await finder.unpin([])).keysDestroyed).toEqual([]);
  });

  it('keeps a key that became named between the report and the unpinning', async () => {
    const { namedKeys, keys, finder, later, now } = setup();
    keys.created.set('late-key', now());
    later(GRACE_MS);
    expect((await finder.find()).orphanKeys).toBe(1);
    namedKeys.add('late-key');
    expect((await finder.unpin([])).keysDestroyed).toEqual([]);
    expect(keys.destroyed).toEqual([]);
  });
});

describe('cidsIn', () => {
  it('collects every `cid` field at any depth, records, earlier revisions and items alike', () => {
    const record = {
      pdf: { cid: 'bafy1', keyId: 'k' },
      data: { cid: 'bafy2' },
      superseded: [{ pdf: { cid: 'bafy3' }, data: { cid: 'bafy4' }, txId: 't' }],
      prepared: { data: { cid: 'bafy5' } },
      createdAt: new Date(),
      bytes: Buffer.from('cid'),
    };
    expect([...cidsIn(record)].sort()).toEqual(['bafy1', 'bafy2', 'bafy3', 'bafy4', 'bafy5']);
    expect([...valuesNamed('keyId', record)]).toEqual(['k']);
  });
});
