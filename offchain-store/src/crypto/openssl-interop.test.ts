/**
 * Interoperability with an independent implementation: the OpenSSL command line (3.x).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ENVELOPE_MAGIC, openEnvelope, parseEnvelope, sealEnvelope } from './envelope';
import { hmacSm3Hex, sm3Hex } from './sm3';

function openssl(args: string[], input: Uint8Array): Buffer {
  const run = spawnSync('openssl', args, { input });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr.toString()}`);
  return run.stdout;
}

/** The hex digest at the end of `openssl dgst` output ("SM3(stdin)= <hex>"). */
function lastHex(output: Buffer): string {
  const match = /([0-9a-fA-F]{64})\s*$/.exec(output.toString());
  if (match?.[1] === undefined) throw new Error(`no digest in ${output.toString()}`);
  return match[1].toLowerCase();
}

describe('interop with the OpenSSL command line', () => {
  it('sm3Hex equals `openssl dgst -sm3`', () => {
    for (const input of [
      Buffer.from('abc'),
      Buffer.alloc(0),
      randomBytes(1),
      randomBytes(100_003),
      Buffer.from('门诊票据 校验码', 'utf8'),
    ]) {
      expect(sm3Hex(input)).toBe(lastHex(openssl(['dgst', '-sm3'], input)));
    }
    expect(lastHex(openssl(['dgst', '-sm3'], Buffer.from('abc')))).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('hmacSm3Hex equals `openssl mac -digest sm3 HMAC` and `openssl dgst -sm3 -mac HMAC`', () => {
    for (const keyLength of [16, 32, 64, 100]) {
      const key = randomBytes(keyLength);
      const data = randomBytes(1 + keyLength * 3);
      const expected = hmacSm3Hex(key, data);
      expect(
        openssl(['mac', '-digest', 'sm3', '-macopt', `hexkey:${key.toString('hex')}`, 'HMAC'], data)
          .toString()
          .trim()
          .toLowerCase(),
      ).toBe(expected);
      expect(lastHex(openssl(['dgst', '-sm3', '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`], data))).toBe(
        expected,
      );
    }
  });

  it('the ciphertext of an envelope decrypts with `openssl enc -d -sm4-cbc` and its tag matches OpenSSL HMAC-SM3', () => {
    const key = randomBytes(32);
    for (const size of [0, 5, 16, 1000]) {
      const plain = randomBytes(size);
      const parts = parseEnvelope(sealEnvelope(plain, key));
      const decrypted = openssl(
        ['enc', '-d', '-sm4-cbc', '-K', key.subarray(0, 16).toString('hex'), '-iv', parts.iv.toString('hex')],
        parts.ciphertext,
      );
      expect(decrypted.equals(plain)).toBe(true);
      const tag = openssl(
        ['mac', '-digest', 'sm3', '-macopt', `hexkey:${key.subarray(16).toString('hex')}`, 'HMAC'],
        Buffer.concat([parts.magic, parts.iv, parts.ciphertext]),
      );
      expect(tag.toString().trim().toLowerCase()).toBe(parts.tag.toString('hex'));
    }
  });

  it('openEnvelope opens an envelope built entirely with OpenSSL', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plain = Buffer.from('structured invoice data {"items":[]}', 'utf8');
    const ciphertext = openssl(
      ['enc', '-sm4-cbc', '-K', key.subarray(0, 16).toString('hex'), '-iv', iv.toString('hex')],
      plain,
    );
    const authenticated = Buffer.concat([ENVELOPE_MAGIC, iv, ciphertext]);
    const tagHex = openssl(
      ['mac', '-digest', 'sm3', '-macopt', `hexkey:${key.subarray(16).toString('hex')}`, 'HMAC'],
      authenticated,
    )
      .toString()
      .trim();
    const envelope = Buffer.concat([authenticated, Buffer.from(tagHex, 'hex')]);
    expect(openEnvelope(envelope, key).equals(plain)).toBe(true);
  });
});
