import { randomKey, RequestKeys } from './request-keys';

describe('RequestKeys', () => {
  it('reuses the key while the same request is sent again, and makes a new one for another request', () => {
    let n = 0;
    const keys = new RequestKeys(() => `key-${++n}`);
    const lock = { op: 'lock', code: '31010125', number: '0000000001', claimId: 'MI-1', amount: 100 };
    expect(keys.keyFor(lock)).toBe('key-1');
    expect(keys.keyFor({ ...lock })).toBe('key-1');
    expect(keys.keyFor({ ...lock, amount: 200 })).toBe('key-2');
    expect(keys.keyFor(lock)).toBe('key-3');
  });

  it('makes a new key once the request was answered', () => {
    let n = 0;
    const keys = new RequestKeys(() => `key-${++n}`);
    expect(keys.keyFor({ op: 'void' })).toBe('key-1');
    keys.answered();
    expect(keys.keyFor({ op: 'void' })).toBe('key-2');
  });

  it('makes random keys the gateway accepts', () => {
    const key = randomKey();
    expect(key).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(randomKey()).not.toBe(key);
  });
});
