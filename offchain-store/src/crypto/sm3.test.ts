import { OffchainError } from '../errors';
import { hmacSm3, hmacSm3Hex, sm3, sm3Hex } from './sm3';

describe('sm3Hex', () => {
  it('matches the GB/T 32905 test vectors', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes a string as its UTF-8 bytes', () => {
    const text = '青浦区中心医院:票据';
    expect(sm3Hex(text)).toBe(sm3Hex(Buffer.from(text, 'utf8')));
    expect(sm3Hex(new Uint8Array(Buffer.from(text, 'utf8')))).toBe(sm3Hex(text));
  });

  it('returns 64 lowercase hex characters, and 32 raw bytes from sm3()', () => {
    expect(sm3Hex('')).toMatch(/^[0-9a-f]{64}$/);
    expect(sm3('abc').toString('hex')).toBe(sm3Hex('abc'));
  });

  it('rejects non-bytes', () => {
    expect(() => sm3Hex(42 as unknown as string)).toThrow(OffchainError);
  });
});

describe('hmacSm3Hex', () => {
  it('is keyed: different keys or data give different tags', () => {
    const key = Buffer.alloc(32, 7);
    const tag = hmacSm3Hex(key, '110101199003074512');
    expect(tag).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacSm3Hex(key, '110101199003074512')).toBe(tag);
    expect(hmacSm3Hex(Buffer.alloc(32, 8), '110101199003074512')).not.toBe(tag);
    expect(hmacSm3Hex(key, '110101199003074513')).not.toBe(tag);
    expect(hmacSm3(key, 'x').toString('hex')).toBe(hmacSm3Hex(key, 'x'));
  });

  it('follows RFC 2104 (keys longer than the block are hashed first)', () => {
    const longKey = Buffer.alloc(100, 0x61);
    expect(hmacSm3Hex(longKey, 'data')).toBe(hmacSm3Hex(sm3(longKey), 'data'));
  });
});
