import { grantTerms, RESIDENT_A } from '../../test/consent';
import { parseChangeInputJson, parseEndReferralInputJson, parseGrantInputJson } from './consent-inputs';

type Json = Record<string, unknown>;

const SIGNATURE = '3006020101020101';

function grantInput(terms: Json = grantTerms(), payload: Json = {}): string {
  const header = { op: 'consent.grant', v: 1, residentId: RESIDENT_A, nonce: 'ab'.repeat(16), keyVersion: 1 };
  return JSON.stringify({
    payload: { ...header, signedAt: '2026-01-05T09:00:00.000Z', grant: terms, ...payload },
    signature: SIGNATURE,
  });
}

function scope(overrides: Json): Json {
  return { scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['diagnosis'], ...overrides } };
}

describe('parseGrantInputJson', () => {
  it('rebuilds exactly the payload that was sent', () => {
    const text = grantInput(
      grantTerms({ scope: { recordTypes: ['PRESCRIPTION'], recordIds: ['RX-1'], fields: ['*'] } }),
    );
    expect(parseGrantInputJson(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['an unknown member', grantInput(grantTerms(), { extra: 1 }), 'payload.extra is not an accepted field'],
    ['another operation', grantInput(grantTerms(), { op: 'consent.revoke' }), 'payload.op must be "consent.grant"'],
    ['another version', grantInput(grantTerms(), { v: 2 }), 'payload.v must be 1'],
    ['a missing referral', grantInput(grantTerms({ purpose: 'REFERRAL' })), 'payload.grant.referralId is required'],
    [
      'an empty window',
      grantInput(grantTerms({ notAfter: '2026-01-01T00:00:00.000Z' })),
      'payload.grant.notAfter must be after payload.grant.notBefore',
    ],
    [
      'no record type',
      grantInput(grantTerms(scope({ recordTypes: [] }))),
      'payload.grant.scope.recordTypes must hold 1..7',
    ],
    [
      'a repeated field',
      grantInput(grantTerms(scope({ fields: ['diagnosis', 'diagnosis'] }))),
      'payload.grant.scope.fields[1] repeats an earlier entry',
    ],
    [
      'the wildcard beside a field',
      grantInput(grantTerms(scope({ fields: ['*', 'diagnosis'] }))),
      'payload.grant.scope.fields[0] must be a field path',
    ],
    [
      'a scope that is not a list',
      grantInput(grantTerms(scope({ recordIds: 'LAB-1' }))),
      'payload.grant.scope.recordIds must be an array, got a string',
    ],
    ['a zero use limit', grantInput(grantTerms({ useLimit: 0 })), 'payload.grant.useLimit must be null or an integer'],
    [
      'a grantee outside the consortium',
      grantInput(grantTerms({ grantee: { mspId: 'Org9MSP', doctorId: null } })),
      'payload.grant.grantee.mspId must name a member',
    ],
    [
      'a key version of 0',
      grantInput(grantTerms(), { keyVersion: 0 }),
      'payload.keyVersion must be a positive integer',
    ],
    ['an uppercase nonce', grantInput(grantTerms(), { nonce: 'AB'.repeat(16) }), 'payload.nonce must be 32 lowercase'],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseGrantInputJson(text)).toThrow(`INVALID_ARGUMENT: ${message}`);
  });

  it('keeps the referral id of any purpose', () => {
    const parsed = parseGrantInputJson(grantInput(grantTerms({ purpose: 'REFERRAL', referralId: 'REF-9' })));
    expect(parsed.payload.grant.referralId).toBe('REF-9');
  });
});

describe('parseChangeInputJson and parseEndReferralInputJson', () => {
  it('refuse terms with members a change cannot touch', () => {
    const payload = {
      op: 'consent.change',
      v: 1,
      residentId: RESIDENT_A,
      nonce: 'ab'.repeat(16),
      signedAt: '2026-01-05T09:00:00.000Z',
      keyVersion: 1,
      grantId: 'g-1',
      version: 1,
      terms: { ...scope({}), notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-02-01T00:00:00.000Z', useLimit: 1 },
    };
    expect(parseChangeInputJson(JSON.stringify({ payload, signature: SIGNATURE })).payload.terms.useLimit).toBe(1);
    const purpose = { ...payload, terms: { ...payload.terms, purpose: 'RESEARCH' } };
    expect(() => parseChangeInputJson(JSON.stringify({ payload: purpose, signature: SIGNATURE }))).toThrow(
      'INVALID_ARGUMENT: payload.terms.purpose is not an accepted field',
    );
  });

  it('name the referral and the user closing it', () => {
    const input = { residentId: RESIDENT_A, referralId: 'REF-1', actor: 'h2.clerk' };
    expect(parseEndReferralInputJson(JSON.stringify(input))).toEqual(input);
    expect(() => parseEndReferralInputJson(JSON.stringify({ ...input, referralId: '' }))).toThrow(
      'INVALID_ARGUMENT: referralId must be an id',
    );
  });
});
