import { canonicalJson } from '@hdt/vocabulary';
import { KEY_A, KEY_B, sign } from '../../test/consent';
import { isSm2PublicKey, rawSignatureOf, verifySm2 } from './sm2';

const N = 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';

function der(r: string, s: string): string {
  const integer = (hex: string): string => `02${(hex.length / 2).toString(16).padStart(2, '0')}${hex}`;
  const body = integer(r) + integer(s);
  return `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

describe('rawSignatureOf', () => {
  it('reads r and s of strict DER, padded to 32 bytes each', () => {
    expect(rawSignatureOf(der('01', '7f'))).toBe(`${'0'.repeat(62)}01${'0'.repeat(62)}7f`);
    const high = `80${'11'.repeat(31)}`;
    expect(rawSignatureOf(der(`00${high}`, '05'))).toBe(`${high}${'0'.repeat(62)}05`);
  });

  it.each([
    ['a superfluous leading zero', der('0001', '01')],
    ['a negative integer', der('80', '01')],
    ['r = 0', der('00', '01')],
    ['s = n', der('01', `00${N}`)],
    ['trailing bytes', `${der('01', '01')}00`],
    ['a wrong outer length', der('01', '01').replace(/^3006/, '3007')],
    ['a wrong tag', der('01', '01').replace(/^300602/, '300603')],
    ['an integer running past the end', '3006020101020201'],
    ['an empty integer', '30060200020101'],
    ['uppercase hex', der('0a', '01').toUpperCase()],
  ])('refuses %s', (_label, signature) => {
    expect(rawSignatureOf(signature)).toBeUndefined();
  });
});

describe('verifySm2', () => {
  const message = canonicalJson({ op: 'consent.grant', text: '青浦区' });

  it('accepts the signature of the UTF-8 message under the signing key only', () => {
    const signature = sign(JSON.parse(message) as object, KEY_A);
    expect(verifySm2(message, signature, KEY_A.publicKey)).toBe(true);
    expect(verifySm2(message, signature, KEY_B.publicKey)).toBe(false);
    expect(verifySm2(message.replace('青浦', '静安'), signature, KEY_A.publicKey)).toBe(false);
    expect(verifySm2(message, signature.slice(0, -2), KEY_A.publicKey)).toBe(false);
    expect(verifySm2(message, signature, `04${'11'.repeat(64)}`)).toBe(false);
  });

  it('checks that public keys lie on the curve', () => {
    expect(isSm2PublicKey(KEY_A.publicKey)).toBe(true);
    expect(isSm2PublicKey(`04${'11'.repeat(64)}`)).toBe(false);
    expect(isSm2PublicKey(KEY_A.publicKey.slice(2))).toBe(false);
  });
});
