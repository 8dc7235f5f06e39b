import { shallowRef } from 'vue';
import type { KeyPair } from './key-vault';
import { InputError } from './messages';
import { unlockedKey } from './resident-key';
import { newKeyPair } from './signing';

describe('the unlocked resident key', () => {
  test('is the key pair once the passphrase was typed', () => {
    const pair = newKeyPair();
    expect(unlockedKey({ unlocked: shallowRef<KeyPair | undefined>(pair) })).toBe(pair);
  });

  test('before that, the page asks for the passphrase', () => {
    expect(() => unlockedKey({ unlocked: shallowRef<KeyPair | undefined>(undefined) })).toThrow(InputError);
  });
});
