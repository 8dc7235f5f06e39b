/**
 * Residents' SM2 keys: registered by an authority that verified the resident (with the new key's
 * proof of possession), rotated by the resident (signed by the old and the new key), recovered
 * after a loss by an authority with a recorded reason (and the new key's proof of possession).
 * Each change raises the key version; the ledger's history of the key keeps every version.
 */
import {
  ACTOR,
  REASON_MAX,
  RESIDENT_KEY_OPERATIONS,
  mayManageResidentKeys,
  type RecoverResidentKeyInput,
  type RegisterResidentKeyInput,
  type ResidentKey,
  type ResidentKeyOperation,
  type ResidentKeyOperationRecord,
  type RotateResidentKeyInput,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError, invalidArgument } from './errors';
import { expectIsoTimestamp, expectOneOf, expectPattern, expectString, expectText } from './fields';
import type { TxContext } from './invoice';
import {
  openInput,
  openObject,
  openPayload,
  parseHeader,
  parsePublicKey,
  parseResidentId,
  parseSignature,
  parseVersion,
} from './signed-inputs';

/** Registering and recovering keys is for the health commission and hospitals. */
export function authoriseKeyAuthority(mspId: string): void {
  if (!mayManageResidentKeys(mspId)) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `only the health commission and hospitals may register or recover residents' keys; the caller is ${mspId}`,
    );
  }
}

function parseActor(value: unknown): string {
  return expectPattern(value, 'actor', ACTOR, 'a user name of 1..64 letters, digits, ".", "_", "@" or "-"');
}

export function parseRegisterKeyInputJson(text: unknown): RegisterResidentKeyInput {
  const field = openInput(text, ['payload', 'signature', 'actor']);
  const payload = openPayload(field, 'resident-key.register');
  return {
    payload: {
      ...parseHeader(payload, 'resident-key.register'),
      publicKey: parsePublicKey(payload('publicKey'), 'payload.publicKey'),
    },
    signature: parseSignature(field('signature')),
    actor: parseActor(field('actor')),
  };
}

export function parseRotateKeyInputJson(text: unknown): RotateResidentKeyInput {
  const field = openInput(text, ['payload', 'signature', 'newKeySignature']);
  const payload = openPayload(field, 'resident-key.rotate');
  return {
    payload: {
      ...parseHeader(payload, 'resident-key.rotate'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      newPublicKey: parsePublicKey(payload('newPublicKey'), 'payload.newPublicKey'),
    },
    signature: parseSignature(field('signature')),
    newKeySignature: parseSignature(field('newKeySignature'), 'newKeySignature'),
  };
}

export function parseRecoverKeyInputJson(text: unknown): RecoverResidentKeyInput {
  const field = openInput(text, ['payload', 'signature', 'actor', 'reason']);
  const payload = openPayload(field, 'resident-key.recover');
  return {
    payload: {
      ...parseHeader(payload, 'resident-key.recover'),
      keyVersion: parseVersion(payload('keyVersion'), 'payload.keyVersion'),
      newPublicKey: parsePublicKey(payload('newPublicKey'), 'payload.newPublicKey'),
    },
    signature: parseSignature(field('signature')),
    actor: parseActor(field('actor')),
    reason: expectText(field('reason'), 'reason', 1, REASON_MAX),
  };
}

interface OperationFacts {
  readonly actor: string;
  readonly nonce: string;
  readonly reason: string;
}

function record(operation: ResidentKeyOperation, facts: OperationFacts, tx: TxContext): ResidentKeyOperationRecord {
  return { operation, mspId: tx.mspId, timestamp: tx.timestamp, txId: tx.txId, ...facts };
}

export function registerKey(input: RegisterResidentKeyInput, tx: TxContext): ResidentKey {
  const { payload } = input;
  return {
    residentId: payload.residentId,
    publicKey: payload.publicKey,
    keyVersion: 1,
    registeredAt: tx.timestamp,
    updatedAt: tx.timestamp,
    lastOperation: record('REGISTER', { actor: input.actor, nonce: payload.nonce, reason: '' }, tx),
  };
}

function replaced(
  key: ResidentKey,
  newPublicKey: string,
  tx: TxContext,
  last: ResidentKeyOperationRecord,
): ResidentKey {
  if (newPublicKey === key.publicKey) {
    throw invalidArgument('payload.newPublicKey', 'must differ from the current key');
  }
  return {
    ...key,
    publicKey: newPublicKey,
    keyVersion: key.keyVersion + 1,
    updatedAt: tx.timestamp,
    lastOperation: last,
  };
}

export function rotateKey(key: ResidentKey, input: RotateResidentKeyInput, tx: TxContext): ResidentKey {
  const { payload } = input;
  return replaced(key, payload.newPublicKey, tx, record('ROTATE', { actor: '', nonce: payload.nonce, reason: '' }, tx));
}

export function recoverKey(key: ResidentKey, input: RecoverResidentKeyInput, tx: TxContext): ResidentKey {
  const { payload, actor, reason } = input;
  return replaced(key, payload.newPublicKey, tx, record('RECOVER', { actor, nonce: payload.nonce, reason }, tx));
}

const RECORD_FIELDS = ['operation', 'mspId', 'actor', 'timestamp', 'txId', 'nonce', 'reason'] as const;

function parseOperationRecord(value: unknown): ResidentKeyOperationRecord {
  const field = openObject(value, 'lastOperation', RECORD_FIELDS);
  return {
    operation: expectOneOf(field('operation'), 'lastOperation.operation', RESIDENT_KEY_OPERATIONS),
    mspId: expectText(field('mspId'), 'lastOperation.mspId', 1, 128),
    actor: expectString(field('actor'), 'lastOperation.actor'),
    timestamp: expectIsoTimestamp(field('timestamp'), 'lastOperation.timestamp'),
    txId: expectText(field('txId'), 'lastOperation.txId', 1, 256),
    nonce: expectString(field('nonce'), 'lastOperation.nonce'),
    reason: expectString(field('reason'), 'lastOperation.reason'),
  };
}

const KEY_FIELDS = ['residentId', 'publicKey', 'keyVersion', 'registeredAt', 'updatedAt', 'lastOperation'] as const;

export function parseStoredResidentKey(value: unknown): ResidentKey {
  const field = openObject(value, 'key', KEY_FIELDS);
  return {
    residentId: parseResidentId(field('residentId')),
    publicKey: parsePublicKey(field('publicKey'), 'publicKey'),
    keyVersion: parseVersion(field('keyVersion'), 'keyVersion'),
    registeredAt: expectIsoTimestamp(field('registeredAt'), 'registeredAt'),
    updatedAt: expectIsoTimestamp(field('updatedAt'), 'updatedAt'),
    lastOperation: parseOperationRecord(field('lastOperation')),
  };
}
