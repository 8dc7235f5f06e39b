import { newKeyPair } from './signing';
import { openKey, parseSealedKey, sealKey, WrongPassphraseError } from './key-vault';

const pair = newKeyPair();

describe('the sealed private key', () => {
  test('opens with its passphrase and gives back the key pair', async () => {
    const sealed = await sealKey(pair, 'correct horse battery', 1000);
    expect(sealed.ciphertext).not.toContain(pair.privateKey);
    expect(await openKey(sealed, 'correct horse battery')).toEqual(pair);
  });

  test('is refused with a wrong passphrase', async () => {
    const sealed = await sealKey(pair, 'correct horse battery', 1000);
    await expect(openKey(sealed, 'correct horse batterz')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  test('is refused when its public key was replaced', async () => {
    const sealed = await sealKey(pair, 'correct horse battery', 1000);
    const other = { ...sealed, publicKey: newKeyPair().publicKey };
    await expect(openKey(other, 'correct horse battery')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  test('uses a fresh salt and nonce each time, and at least 100 000 iterations by default', async () => {
    const [a, b] = await Promise.all([sealKey(pair, 'passphrase1'), sealKey(pair, 'passphrase1', 1000)]);
    expect(a.iterations).toBeGreaterThanOrEqual(100_000);
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
  });

  test('is read back from storage only when it has the expected shape', async () => {
    const sealed = await sealKey(pair, 'correct horse battery', 1000);
    expect(parseSealedKey(JSON.stringify(sealed))).toEqual(sealed);
    expect(parseSealedKey(null)).toBeUndefined();
    expect(parseSealedKey('not json')).toBeUndefined();
    expect(parseSealedKey(JSON.stringify({ ...sealed, iv: 'XYZ' }))).toBeUndefined();
    expect(parseSealedKey(JSON.stringify({ ...sealed, publicKey: '04ab' }))).toBeUndefined();
  });
});
