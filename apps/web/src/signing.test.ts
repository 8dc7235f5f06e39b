import { canonicalJson } from '@hdt/vocabulary';
import { toHex } from './key-vault';
import { checkedMessage, newKeyPair, PayloadMismatchError, type Prepared, signMessage, verifyMessage } from './signing';

function prepared(payload: Record<string, unknown>): Prepared {
  const message = canonicalJson(payload);
  return { payload, message, messageHex: toHex(new TextEncoder().encode(message)) };
}

const header = { v: 1, residentId: 'a'.repeat(64), nonce: 'b'.repeat(32), signedAt: '2026-11-30T01:00:00.000Z' };

describe('signing on the device', () => {
  test('makes DER SM2 signatures that verify under the public key only', () => {
    const key = newKeyPair();
    expect(key.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    const signature = signMessage('{"op":"x"}', key.privateKey);
    expect(signature).toMatch(/^30/);
    expect(verifyMessage('{"op":"x"}', signature, key.publicKey)).toBe(true);
    expect(verifyMessage('{"op":"y"}', signature, key.publicKey)).toBe(false);
    expect(verifyMessage('{"op":"x"}', signature, newKeyPair().publicKey)).toBe(false);
  });

  test('signs the prepared bytes when they are the payload and carry the request', () => {
    const request = { op: 'consent.revoke', grantId: 'g-1' };
    const ready = prepared({ ...header, ...request, keyVersion: 2, version: 1 });
    expect(checkedMessage(request, ready)).toBe(ready.message);
  });

  test('refuses a payload that differs from the request', () => {
    const request = { op: 'consent.revoke', grantId: 'g-1' };
    const other = prepared({ ...header, op: 'consent.revoke', grantId: 'g-2', keyVersion: 2, version: 1 });
    expect(() => checkedMessage(request, other)).toThrow(PayloadMismatchError);
    const grant = { op: 'consent.grant', grant: { grantId: 'g-1', scope: { fields: ['*'] } } };
    const widened = prepared({
      ...header,
      op: 'consent.grant',
      grant: { grantId: 'g-1', scope: { fields: ['a', '*'] } },
    });
    expect(() => checkedMessage(grant, widened)).toThrow(/grant/);
  });

  test('refuses a message that is not the canonical payload, or hex that is not the message', () => {
    const request = { op: 'consent.revoke', grantId: 'g-1' };
    const ready = prepared({ ...header, ...request });
    expect(() => checkedMessage(request, { ...ready, message: `${ready.message} ` })).toThrow(/message/);
    expect(() => checkedMessage(request, { ...ready, messageHex: '00' })).toThrow(/messageHex/);
  });
});
