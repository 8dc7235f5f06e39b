import { canonicalJson, type RecoverKeyPayload } from '@hdt/vocabulary';
import { InputError } from './messages';
import {
  decodeRecoveryCode,
  encodeRecoveryCode,
  readRecoveryForm,
  RECOVERY_CODE_PREFIX,
  recoveryDeadline,
  type RecoveryCode,
} from './recovery-code';
import { newKeyPair, signMessage } from './signing';

const key = newKeyPair();
const payload: RecoverKeyPayload = {
  op: 'resident-key.recover',
  v: 1,
  residentId: 'c5'.repeat(32),
  nonce: '0f'.repeat(16),
  signedAt: '2026-11-30T08:00:00.000Z',
  keyVersion: 3,
  newPublicKey: key.publicKey,
};
const code: RecoveryCode = { payload, signature: signMessage(canonicalJson(payload), key.privateKey) };

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof InputError) return err.text();
    throw err;
  }
  throw new Error('not refused');
}

/** The code with its character at `at` replaced by another one of the same kind. */
function altered(text: string, at: number): string {
  const c = text[at] ?? '';
  const other = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'a';
  return `${text.slice(0, at)}${other}${text.slice(at + 1)}`;
}

describe('the recovery code', () => {
  test('decodes to the payload and signature it was made of', () => {
    const text = encodeRecoveryCode(code);
    expect(text.startsWith(RECOVERY_CODE_PREFIX)).toBe(true);
    expect(text).toContain(payload.residentId);
    expect(decodeRecoveryCode(text)).toEqual(code);
    expect(decodeRecoveryCode(` ${text.slice(0, 50)}\n${text.slice(50)} `)).toEqual(code);
  });

  test('refuses a code changed in any member, cut short or of another kind', () => {
    const text = encodeRecoveryCode(code);
    const starts = [...text.matchAll(/\//g)].map((m) => m.index + 1);
    for (const at of starts) expect(() => decodeRecoveryCode(altered(text, at + 2))).toThrow(InputError);
    expect(() => decodeRecoveryCode(altered(text, text.length - 3))).toThrow(InputError);
    expect(() => decodeRecoveryCode(text.slice(0, -2))).toThrow(InputError);
    expect(() => decodeRecoveryCode(`${text}/00`)).toThrow(InputError);
    const signatureAt = text.lastIndexOf('/') + 1;
    for (const at of [2, 3, 6, 7])
      expect(() => decodeRecoveryCode(altered(text, signatureAt + at))).toThrow(InputError);
    expect(() => decodeRecoveryCode(text.replace('hdt-recover:1/', 'hdt-grant:'))).toThrow(InputError);
    const otherKey = newKeyPair();
    const swapped = text.replace(key.publicKey, otherKey.publicKey);
    expect(refusal(() => decodeRecoveryCode(swapped))).toMatch(/恢复码|recovery code/);
  });

  test('is accepted until the signing window closes', () => {
    expect(recoveryDeadline(code).toISOString()).toBe('2026-11-30T08:10:00.000Z');
  });
});

describe("the counter's recovery form", () => {
  const form = { code: encodeRecoveryCode(code), reason: ' phone lost, ID card checked ', identityChecked: true };
  const now = new Date('2026-11-30T08:05:00.000Z');

  test('gives the payload, the signature and the trimmed reason', () => {
    expect(readRecoveryForm(form, now)).toEqual({ ...code, reason: 'phone lost, ID card checked' });
  });

  test('refuses an expired code, a missing reason, and a resident whose identity nobody checked', () => {
    expect(refusal(() => readRecoveryForm(form, new Date('2026-11-30T08:10:00.000Z')))).toContain('过期');
    expect(refusal(() => readRecoveryForm({ ...form, reason: '  ' }, now))).toContain('原因');
    expect(refusal(() => readRecoveryForm({ ...form, identityChecked: false }, now))).toContain('身份');
    expect(refusal(() => readRecoveryForm({ ...form, code: 'hdt-recover:1/' }, now))).toContain('恢复码');
  });
});
