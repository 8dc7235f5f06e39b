/**
 * The resident's key as the phone page holds it: the registered key (from the ledger), the sealed
 * key kept on this phone, and — once the resident typed the passphrase — the key pair in memory
 * for this page only.
 */
import { computed, type ComputedRef, type ShallowRef, shallowRef } from 'vue';
import type { Api } from './api.js';
import { registerKey, rotateKey, signRecovery } from './consent-flow.js';
import type { KeyStatus, ResidentKey } from './consent-parse.js';
import { t } from './i18n.js';
import {
  type KeyPair,
  loadSealedKey,
  openKey,
  type SealedKey,
  sealKey,
  storeSealedKey,
  WrongPassphraseError,
} from './key-vault.js';
import { InputError } from './messages.js';
import { checkedRecovery, type RecoveryCode } from './recovery-code.js';
import { newKeyPair } from './signing.js';

/** none: nothing registered; ready: this phone holds the registered key; elsewhere: it does not. */
export type KeyState = 'unknown' | 'none' | 'ready' | 'elsewhere';

export interface ResidentKeyStore {
  readonly status: Readonly<ShallowRef<KeyStatus | undefined>>;
  readonly state: ComputedRef<KeyState>;
  readonly unlocked: Readonly<ShallowRef<KeyPair | undefined>>;
  refresh(): Promise<void>;
  create(passphrase: string): Promise<ResidentKey>;
  unlock(passphrase: string): Promise<KeyPair>;
  rotate(passphrase: string, newPassphrase: string): Promise<ResidentKey>;
  /** A new key kept on this phone under `passphrase`, and its recovery code for counter staff. */
  recover(passphrase: string): Promise<RecoveryCode>;
}

/** Opens the sealed key; a wrong passphrase is an input error the page shows as such. */
export async function unlockSealed(sealed: SealedKey, passphrase: string): Promise<KeyPair> {
  try {
    return await openKey(sealed, passphrase);
  } catch (err) {
    if (err instanceof WrongPassphraseError) throw new InputError(() => t('key.wrongPassphrase'));
    throw err;
  }
}

/** The key pair the resident unlocked on this page; before that, an input error asking for the passphrase. */
export function unlockedKey(keys: Pick<ResidentKeyStore, 'unlocked'>): KeyPair {
  const key = keys.unlocked.value;
  if (key === undefined) throw new InputError(() => t('key.askPassphrase'));
  return key;
}

export function keyState(status: KeyStatus | undefined, sealed: SealedKey | undefined): KeyState {
  if (status === undefined) return 'unknown';
  if (status.key === undefined) return 'none';
  return sealed?.publicKey === status.key.publicKey ? 'ready' : 'elsewhere';
}

/**
 * After a loss: a new key pair, sealed under `passphrase`, and its recovery signed by it. The
 * ledger still names the lost key until staff submit the code; then this phone holds the current key.
 */
async function prepareRecovery(api: Api, passphrase: string, keep: (next: SealedKey) => void): Promise<RecoveryCode> {
  const pair = newKeyPair();
  const sealed = await sealKey(pair, passphrase);
  const code = checkedRecovery(await signRecovery(api, pair));
  keep(sealed);
  return code;
}

export function createResidentKey(api: () => Api, username: () => string): ResidentKeyStore {
  const status = shallowRef<KeyStatus | undefined>(undefined);
  const sealed = shallowRef<SealedKey | undefined>(undefined);
  const unlocked = shallowRef<KeyPair | undefined>(undefined);
  const keep = (next: SealedKey, pair: KeyPair | undefined): void => {
    storeSealedKey(username(), next);
    sealed.value = next;
    unlocked.value = pair;
  };
  const unlock = async (passphrase: string): Promise<KeyPair> => {
    const current = sealed.value;
    if (current === undefined) throw new InputError(() => t('key.notOnDevice'));
    return (unlocked.value ??= await unlockSealed(current, passphrase));
  };
  const rekey = async (passphrase: string, register: (pair: KeyPair) => Promise<ResidentKey>): Promise<ResidentKey> => {
    const pair = newKeyPair();
    const next = await sealKey(pair, passphrase);
    const key = await register(pair);
    keep(next, pair);
    status.value = { registered: true, key };
    return key;
  };
  return {
    status,
    state: computed(() => keyState(status.value, sealed.value)),
    unlocked,
    refresh: async () => {
      sealed.value = loadSealedKey(username());
      status.value = await api().consentKey();
    },
    create: (passphrase) => rekey(passphrase, (pair) => registerKey(api(), pair)),
    unlock,
    rotate: async (passphrase, newPassphrase) => {
      const current = await unlock(passphrase);
      return rekey(newPassphrase, (pair) => rotateKey(api(), current, pair));
    },
    recover: (passphrase) => prepareRecovery(api(), passphrase, (next) => keep(next, undefined)),
  };
}
