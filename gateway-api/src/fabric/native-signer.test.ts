import { generateKeyPairSync, verify } from 'node:crypto';
import { lowSDerSignature, nativeP256Signer } from './native-signer';

const ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** r and s of a DER ECDSA signature. */
function parts(der: Uint8Array): { r: bigint; s: bigint } {
  const buf = Buffer.from(der);
  expect(buf[0]).toBe(0x30);
  expect(buf[1]).toBe(buf.length - 2);
  const int = (at: number) => {
    expect(buf[at]).toBe(0x02);
    const len = buf[at + 1]!;
    const bytes = buf.subarray(at + 2, at + 2 + len);
    // Minimal: no leading zero unless the next byte's top bit is set.
    if (bytes.length > 1 && bytes[0] === 0) expect(bytes[1]! & 0x80).toBe(0x80);
    return { value: BigInt(`0x${bytes.toString('hex')}`), next: at + 2 + len };
  };
  const r = int(2);
  const s = int(r.next);
  expect(s.next).toBe(buf.length);
  return { r: r.value, s: s.value };
}

describe('nativeP256Signer', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signer = nativeP256Signer(privateKey);

  it('signs the SHA-256 of the message, low-S, in DER that verifies', async () => {
    for (let i = 0; i < 64; i++) {
      const message = Buffer.from(`proposal ${i}`);
      const der = await signer(message);
      const { r, s } = parts(der);
      expect(r > 0n && r < ORDER).toBe(true);
      expect(s <= ORDER >> 1n).toBe(true);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    }
  });

  it('turns a high s into order − s, and refuses a signature of the wrong length', () => {
    const r = Buffer.alloc(32, 0x01);
    const highS = Buffer.from((ORDER - 5n).toString(16).padStart(64, '0'), 'hex');
    const { r: rOut, s } = parts(lowSDerSignature(Buffer.concat([r, highS])));
    expect(rOut).toBe(BigInt(`0x${r.toString('hex')}`));
    expect(s).toBe(5n);
    expect(() => lowSDerSignature(Buffer.alloc(63))).toThrow('64-byte');
  });

  it('refuses a key that is not a P-256 private key', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => nativeP256Signer(other.privateKey)).toThrow('P-256');
    expect(() => nativeP256Signer(publicKey)).toThrow('P-256');
  });
});
