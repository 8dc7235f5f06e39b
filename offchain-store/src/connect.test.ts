import { randomBytes } from 'node:crypto';
import { connectOffchain, deriveKekId } from './connect';

const KEK = 'ab'.repeat(32);

describe('connectOffchain', () => {
  it('validates options before connecting', async () => {
    const base = { mongodbUri: 'mongodb://127.0.0.1:1/hdt', ipfsApiUrl: 'http://127.0.0.1:1', kekHex: KEK };
    await expect(connectOffchain({ ...base, kekHex: 'abc' })).rejects.toThrow('INVALID_ARGUMENT: kekHex');
    await expect(connectOffchain({ ...base, mongodbUri: 'http://db' })).rejects.toThrow('INVALID_ARGUMENT: mongodbUri');
    await expect(connectOffchain({ ...base, ipfsApiUrl: '' })).rejects.toThrow('INVALID_ARGUMENT: ipfsApiUrl');
    await expect(connectOffchain({ ...base, kekId: '' })).rejects.toThrow('INVALID_ARGUMENT: kekId');
    await expect(connectOffchain({ ...base, pingTimeoutMs: -1 })).rejects.toThrow('INVALID_ARGUMENT: pingTimeoutMs');
  });

  it('fails with DATABASE_UNAVAILABLE when the database cannot be reached', async () => {
    await expect(
      connectOffchain({
        mongodbUri: 'mongodb://user:secret@127.0.0.1:1/hdt',
        ipfsApiUrl: 'http://127.0.0.1:1',
        kekHex: KEK,
        serverSelectionTimeoutMs: 300,
      }),
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
    ).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: expect.not.stringContaining('secret') });
  });
});

describe('deriveKekId', () => {
  it('is stable per KEK, differs between KEKs and does not reveal the KEK', () => {
    const kek = Buffer.from(KEK, 'hex');
    expect(deriveKekId(kek)).toBe(deriveKekId(Buffer.from(KEK, 'hex')));
    expect(deriveKekId(kek)).toMatch(/^kek-[0-9a-f]{16}$/);
    expect(deriveKekId(randomBytes(32))).not.toBe(deriveKekId(kek));
    expect(deriveKekId(kek)).not.toContain(KEK.slice(0, 16));
  });
});
