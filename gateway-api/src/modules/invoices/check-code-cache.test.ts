import { deriveCheckCodeHash } from './check-code';
import { CheckCodeDerivations, LruMap } from './check-code-cache';

const ID = { code: '31010125', number: '0000000001' };
const PROTECTION = { checkCodeSalt: '00112233445566778899aabbccddeeff', checkCodeIterations: 10 };

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
    expect(() => new LruMap(0)).toThrow('capacity');
  });
});

describe('CheckCodeDerivations', () => {
  it('derives as the KDF does, and skips the derivation only for a confirmed check code', async () => {
    const cache = new CheckCodeDerivations();
    const first = await cache.derive(ID, 'ABC123', PROTECTION);
    expect(first).toMatchObject({ remembered: false });
    expect(first.hash).toBe(await deriveCheckCodeHash(ID, 'ABC123', PROTECTION.checkCodeSalt, 10));
    // Not confirmed by the ledger: derived again.
    expect(await cache.derive(ID, 'ABC123', PROTECTION)).toMatchObject({ remembered: false });
    first.confirm();
    expect(await cache.derive(ID, 'ABC123', PROTECTION)).toEqual(
      expect.objectContaining({ hash: first.hash, remembered: true }),
    );
  });

  it('runs one derivation for requests that ask for the same one at once, and derives again afterwards', async () => {
    const runs: string[] = [];
    const kdf: typeof deriveCheckCodeHash = async (id, checkCode, salt, iterations) => {
      runs.push(checkCode);
      return deriveCheckCodeHash(id, checkCode, salt, iterations);
    };
    const cache = new CheckCodeDerivations(10, kdf);
    const together = await Promise.all([
      cache.derive(ID, 'ABC123', PROTECTION),
      cache.derive(ID, 'ABC123', PROTECTION),
      cache.derive(ID, 'ABC124', PROTECTION),
    ]);
    expect(runs).toEqual(['ABC123', 'ABC124']);
    expect(together[0]?.hash).toBe(together[1]?.hash);
    expect(together[2]?.hash).not.toBe(together[0]?.hash);
    await cache.derive(ID, 'ABC123', PROTECTION);
    expect(runs).toEqual(['ABC123', 'ABC124', 'ABC123']);
  });

  it('never answers another check code, invoice, salt or iteration count from a confirmed one', async () => {
    const cache = new CheckCodeDerivations();
    (await cache.derive(ID, 'ABC123', PROTECTION)).confirm();
    const others = [
      cache.derive(ID, 'ABC124', PROTECTION),
      cache.derive({ ...ID, number: '0000000002' }, 'ABC123', PROTECTION),
      cache.derive(ID, 'ABC123', { ...PROTECTION, checkCodeSalt: 'ff'.repeat(16) }),
      cache.derive(ID, 'ABC123', { ...PROTECTION, checkCodeIterations: 11 }),
    ];
    for (const other of await Promise.all(others)) expect(other.remembered).toBe(false);
  });

  it('remembers an invoice’s salt and iteration count, nothing else of it', () => {
    const cache = new CheckCodeDerivations();
    expect(cache.protectionOf(ID)).toBeUndefined();
    cache.rememberProtection(ID, { ...PROTECTION, checkCodeHash: 'ab' } as typeof PROTECTION);
    expect(cache.protectionOf(ID)).toEqual(PROTECTION);
  });
});
