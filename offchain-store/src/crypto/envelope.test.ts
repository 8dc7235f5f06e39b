import { randomBytes } from 'node:crypto';
import { OffchainError } from '../errors';
import {
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_MIN_BYTES,
  ENVELOPE_TAG_BYTES,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
} from './envelope';

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof OffchainError ? error.code : 'OTHER';
  }
  return undefined;
}

describe('sealEnvelope / openEnvelope', () => {
  const key = randomBytes(32);

  it.each([0, 1, 15, 16, 17, 1000, 256 * 1024])('round-trips %i bytes', (size) => {
    const plain = randomBytes(size);
    const sealed = sealEnvelope(plain, key);
    expect(openEnvelope(sealed, key).equals(plain)).toBe(true);
  });

  it('uses the layout HDT1 | iv(16) | PKCS#7-padded ciphertext | tag(32)', () => {
    const sealed = sealEnvelope(Buffer.from('sixteen bytes!!!'), key);
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('HDT1');
    // 16 bytes of plaintext gain a whole block of padding.
    expect(sealed.length).toBe(ENVELOPE_HEADER_BYTES + 32 + ENVELOPE_TAG_BYTES);
    const parts = parseEnvelope(sealed);
    expect(parts.iv).toHaveLength(16);
    expect(parts.ciphertext).toHaveLength(32);
    expect(parts.tag).toHaveLength(32);
    expect(sealEnvelope(Buffer.alloc(0), key)).toHaveLength(ENVELOPE_MIN_BYTES);
  });

  it('draws a fresh IV every time', () => {
    const plain = Buffer.from('same plaintext');
    const a = sealEnvelope(plain, key);
    const b = sealEnvelope(plain, key);
    expect(a.equals(b)).toBe(false);
    expect(parseEnvelope(a).iv.equals(parseEnvelope(b).iv)).toBe(false);
  });

  it('does not contain the plaintext', () => {
    const plain = Buffer.from('Zhang San 110101199003074512 '.repeat(20));
    expect(sealEnvelope(plain, key).includes(Buffer.from('110101199003074512'))).toBe(false);
  });

  it('detects one flipped bit in every byte position', () => {
    const sealed = sealEnvelope(Buffer.from('invoice 12345678/0000000001, total 12800 fen'), key);
    for (let i = 0; i < sealed.length; i += 1) {
      for (const mask of [0x01, 0x80]) {
        const tampered = Buffer.from(sealed);
        tampered[i] = (tampered[i] ?? 0) ^ mask;
        expect(errorCode(() => openEnvelope(tampered, key))).toBe('TAMPERED_CIPHERTEXT');
      }
    }
  });

  it('detects truncation, extension and garbage', () => {
    const sealed = sealEnvelope(Buffer.from('payload of some length'), key);
    for (const cut of [1, 16, 32, sealed.length - 1, sealed.length]) {
      expect(errorCode(() => openEnvelope(sealed.subarray(0, sealed.length - cut), key))).toBe('TAMPERED_CIPHERTEXT');
    }
    expect(errorCode(() => openEnvelope(Buffer.concat([sealed, Buffer.alloc(16)]), key))).toBe('TAMPERED_CIPHERTEXT');
    expect(errorCode(() => openEnvelope(randomBytes(100), key))).toBe('TAMPERED_CIPHERTEXT');
    // Dropping a whole ciphertext block keeps a valid length but fails the tag.
    const parts = parseEnvelope(sealEnvelope(randomBytes(40), key));
    const shortened = Buffer.concat([parts.magic, parts.iv, parts.ciphertext.subarray(16), parts.tag]);
    expect(errorCode(() => openEnvelope(shortened, key))).toBe('TAMPERED_CIPHERTEXT');
  });

  it('rejects a wrong key, including one that differs only in the SM4 or only in the MAC half', () => {
    const sealed = sealEnvelope(Buffer.from('secret'), key);
    expect(errorCode(() => openEnvelope(sealed, randomBytes(32)))).toBe('TAMPERED_CIPHERTEXT');
    const otherEnc = Buffer.from(key);
    otherEnc[0] = (otherEnc[0] ?? 0) ^ 1;
    // The tag still verifies (MAC half unchanged), but the plaintext must not come back.
    let recovered: Buffer | undefined;
    try {
      recovered = openEnvelope(sealed, otherEnc);
    } catch (error) {
      expect(error).toBeInstanceOf(OffchainError);
    }
    expect(recovered?.toString()).not.toBe('secret');
    const otherMac = Buffer.from(key);
    otherMac[31] = (otherMac[31] ?? 0) ^ 1;
    expect(errorCode(() => openEnvelope(sealed, otherMac))).toBe('TAMPERED_CIPHERTEXT');
  });

  it('requires a 32-byte key and byte input', () => {
    expect(errorCode(() => sealEnvelope(Buffer.from('x'), randomBytes(16)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => openEnvelope(Buffer.alloc(64), randomBytes(31)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => sealEnvelope('text' as unknown as Uint8Array, key))).toBe('INVALID_ARGUMENT');
  });

  it('leaves the caller’s key and input untouched', () => {
    const copy = Buffer.from(key);
    const plain = Buffer.from('keep me');
    const sealed = sealEnvelope(plain, key);
    openEnvelope(sealed, key);
    expect(key.equals(copy)).toBe(true);
    expect(plain.toString()).toBe('keep me');
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const sealed = sealEnvelope(Buffer.from('view'), key);
    const backing = Buffer.concat([Buffer.alloc(7), sealed, Buffer.alloc(5)]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, sealed.length);
    expect(openEnvelope(view, key).toString()).toBe('view');
  });
});
