import { describeError, isOffchainError, OFFCHAIN_ERROR_CODES, OffchainError } from './errors';

describe('error catalogue', () => {
  it('has unique upper-snake-case codes', () => {
    expect(new Set(OFFCHAIN_ERROR_CODES).size).toBe(OFFCHAIN_ERROR_CODES.length);
    for (const code of OFFCHAIN_ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z_]+$/);
  });

  it('lists the codes other packages rely on', () => {
    expect(OFFCHAIN_ERROR_CODES).toEqual(
      expect.arrayContaining([
        'INVALID_ARGUMENT',
        'TAMPERED_CIPHERTEXT',
        'KEY_DESTROYED',
        'KEY_NOT_FOUND',
        'DIGEST_MISMATCH',
      ]),
    );
  });

  it('puts the code on the error and in front of the message', () => {
    const error = new OffchainError('KEY_DESTROYED', 'keyId x was destroyed');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('KEY_DESTROYED');
    expect(error.message).toBe('KEY_DESTROYED: keyId x was destroyed');
    expect(error.name).toBe('OffchainError');
    expect(isOffchainError(error)).toBe(true);
    expect(isOffchainError(error, 'KEY_DESTROYED')).toBe(true);
    expect(isOffchainError(error, 'KEY_NOT_FOUND')).toBe(false);
    expect(isOffchainError(new Error('x'))).toBe(false);
  });

  it('keeps credentials out of described errors', () => {
    expect(describeError(new Error('cannot reach mongodb://admin:s3cret@db:27017/hdt'))).toBe(
      'cannot reach mongodb://***@db:27017/hdt',
    );
    expect(describeError('plain')).toBe('plain');
  });
});
