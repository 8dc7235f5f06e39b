import { canonicalJson, type GrantTerms } from '@hdt/vocabulary';
import type { SignedBody } from './api';
import {
  approveRequest,
  change,
  type ConsentApi,
  grant,
  registerKey,
  revoke,
  rotateKey,
  signRecovery,
} from './consent-flow';
import type { GrantView, ResidentKey } from './consent-parse';
import { toHex } from './key-vault';
import { InputError } from './messages';
import type { AccessRequestView } from './requests-parse';
import { newKeyPair, type Prepared, verifyMessage } from './signing';

const header = { v: 1, residentId: 'a'.repeat(64), nonce: 'b'.repeat(32), signedAt: '2026-11-30T01:00:00.000Z' };
const KEY: ResidentKey = {
  residentId: header.residentId,
  publicKey: '04',
  keyVersion: 1,
  updatedAt: header.signedAt,
  lastOperation: { operation: 'REGISTER', mspId: 'HealthCommMSP', timestamp: header.signedAt },
};

/** A gateway that prepares the payload (optionally altered) and records what it is sent. */
function fakeApi(alter: (payload: Record<string, unknown>) => Record<string, unknown> = (p) => p) {
  const sent: { op: string; body: SignedBody & { newKeySignature?: string } }[] = [];
  const record = (op: string) => async (body: SignedBody & { newKeySignature?: string }) => {
    sent.push({ op, body });
    return KEY;
  };
  const api: ConsentApi = {
    signingPayload: async (request): Promise<Prepared> => {
      const payload = alter({ ...header, keyVersion: 1, ...request });
      const message = canonicalJson(payload);
      return { payload, message, messageHex: toHex(new TextEncoder().encode(message)) };
    },
    registerKey: record('register'),
    rotateKey: record('rotate'),
    grant: async (body) => (await record('grant')(body), {}) as GrantView,
    changeGrant: async (_id, body) => (await record('change')(body), {}) as GrantView,
    revokeGrant: async (_id, body) => (await record('revoke')(body), {}) as GrantView,
    approveRequest: async (_id, body) => (await record('approve')(body), {}) as AccessRequestView,
  };
  return { api, sent };
}

const terms = { grantId: 'g-1', grantee: { mspId: 'Hospital1MSP', doctorId: null } } as unknown as GrantTerms;

describe('signed consent operations', () => {
  test('register, grant and revoke send the prepared payload signed by the key', async () => {
    const key = newKeyPair();
    const { api, sent } = fakeApi();
    await registerKey(api, key);
    await grant(api, terms, key);
    await revoke(api, 'g-1', key);
    expect(sent.map((s) => [s.op, s.body.payload['op']])).toEqual([
      ['register', 'resident-key.register'],
      ['grant', 'consent.grant'],
      ['revoke', 'consent.revoke'],
    ]);
    for (const { body } of sent) {
      expect(verifyMessage(canonicalJson(body.payload), body.signature, key.publicKey)).toBe(true);
    }
  });

  test('rotation signs the same bytes with the current and the new key', async () => {
    const [current, next] = [newKeyPair(), newKeyPair()];
    const { api, sent } = fakeApi();
    await rotateKey(api, current, next);
    const { payload, signature, newKeySignature } = sent[0]!.body;
    expect(payload['newPublicKey']).toBe(next.publicKey);
    expect(verifyMessage(canonicalJson(payload), signature, current.publicKey)).toBe(true);
    expect(verifyMessage(canonicalJson(payload), newKeySignature ?? '', next.publicKey)).toBe(true);
  });

  test("approving a request signs exactly the request's grant terms", async () => {
    const key = newKeyPair();
    const { api, sent } = fakeApi();
    await approveRequest(api, { requestId: 'req-1', grant: terms } as unknown as AccessRequestView, key);
    const { payload, signature } = sent[0]!.body;
    expect(sent[0]!.op).toBe('approve');
    expect(payload['grant']).toEqual(terms);
    expect(verifyMessage(canonicalJson(payload), signature, key.publicKey)).toBe(true);
  });

  test('a change signs the grant id and the new terms', async () => {
    const key = newKeyPair();
    const { api, sent } = fakeApi();
    const newTerms = {
      scope: { recordTypes: ['LAB_REPORT' as const], recordIds: [], fields: ['diagnosis'] },
      notBefore: '2026-11-30T00:00:00.000Z',
      notAfter: '2026-12-10T00:00:00.000Z',
      useLimit: 2,
    };
    await change(api, 'g-1', newTerms, key);
    const { payload, signature } = sent[0]!.body;
    expect(sent[0]!.op).toBe('change');
    expect(payload).toMatchObject({ op: 'consent.change', grantId: 'g-1', terms: newTerms });
    expect(verifyMessage(canonicalJson(payload), signature, key.publicKey)).toBe(true);
  });

  test('a recovery is signed by the new key and sent nowhere', async () => {
    const next = newKeyPair();
    const { api, sent } = fakeApi();
    const { payload, signature } = await signRecovery(api, next);
    expect(payload).toMatchObject({ op: 'resident-key.recover', newPublicKey: next.publicKey, keyVersion: 1 });
    expect(verifyMessage(canonicalJson(payload), signature, next.publicKey)).toBe(true);
    expect(sent).toEqual([]);
  });

  test('nothing is signed or sent when the prepared payload is not what was asked', async () => {
    const { api, sent } = fakeApi((payload) => ({ ...payload, grantId: 'g-other' }));
    await expect(revoke(api, 'g-1', newKeyPair())).rejects.toBeInstanceOf(InputError);
    expect(sent).toEqual([]);
  });
});
