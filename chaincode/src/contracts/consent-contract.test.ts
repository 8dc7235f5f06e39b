import { canonicalJson } from '@hdt/vocabulary';
import {
  ConsentBench,
  KEY_A,
  KEY_A2,
  KEY_B,
  KEY_MALLORY,
  RESIDENT_A,
  RESIDENT_B,
  grantTerms,
  sign,
} from '../../test/consent';

type Json = Record<string, unknown>;

function parse(text: string): Json {
  return JSON.parse(text) as Json;
}

/** Runs an operation that must fail with `code`, and checks it committed nothing and emitted nothing. */
async function expectRefused(bench: ConsentBench, attempt: Promise<string>, code: string): Promise<void> {
  const keys = bench.ledger.keys().sort();
  const events = bench.ledger.events.length;
  await expect(attempt).rejects.toThrow(new RegExp(`^${code}: `));
  expect(bench.ledger.keys().sort()).toEqual(keys);
  expect(bench.ledger.events).toHaveLength(events);
}

async function registered(): Promise<ConsentBench> {
  const bench = new ConsentBench();
  await bench.register();
  return bench;
}

describe('RegisterResidentKey', () => {
  it('lets an authority register a key that signed its own registration, and emits ResidentKeyRegistered', async () => {
    const bench = new ConsentBench();
    const key = parse(await bench.register(RESIDENT_A, KEY_A, 'Hospital1MSP'));
    expect(key).toMatchObject({
      residentId: RESIDENT_A,
      publicKey: KEY_A.publicKey,
      keyVersion: 1,
      lastOperation: { operation: 'REGISTER', mspId: 'Hospital1MSP', actor: 'hc.registrar', reason: '' },
    });
    expect(bench.stored('resident-key', RESIDENT_A)).toBe(canonicalJson(key));
    expect(bench.ledger.events.map((event) => event.name)).toEqual(['ResidentKeyRegistered']);
    expect(parse(bench.ledger.events[0]?.payload ?? '{}')).toMatchObject({ operation: 'REGISTER', key });
  });

  it('refuses payers, a second registration and a registration the key did not sign', async () => {
    const bench = await registered();
    await expectRefused(bench, bench.register(RESIDENT_B, KEY_B, 'InsurerMSP'), 'FORBIDDEN');
    await expectRefused(bench, bench.register(RESIDENT_A, KEY_A2), 'RESIDENT_KEY_EXISTS');
    const payload = bench.header('resident-key.register', RESIDENT_B, { publicKey: KEY_B.publicKey });
    const input = JSON.stringify({ payload, signature: sign(payload, KEY_MALLORY), actor: 'hc.registrar' });
    await expectRefused(
      bench,
      bench.invoke('HealthCommMSP', (ctx, c) => c.RegisterResidentKey(ctx, input)),
      'SIGNATURE_INVALID',
    );
  });

  it('refuses a point off the SM2 curve', async () => {
    const bench = new ConsentBench();
    const payload = bench.header('resident-key.register', RESIDENT_A, { publicKey: `04${'11'.repeat(64)}` });
    const input = JSON.stringify({ payload, signature: sign(payload, KEY_A), actor: 'hc.registrar' });
    await expect(bench.invoke('HealthCommMSP', (ctx, c) => c.RegisterResidentKey(ctx, input))).rejects.toThrow(
      /^INVALID_ARGUMENT: payload.publicKey must be an uncompressed SM2 public key/,
    );
  });
});

describe('Grant', () => {
  it('stores a grant signed by the resident, with the signature, and uses up the nonce', async () => {
    const bench = await registered();
    const payload = bench.grantPayload();
    const signature = sign(payload, KEY_A);
    const grant = parse(await bench.submit('Grant', { payload, signature }));

    expect(grant).toEqual({
      ...grantTerms(),
      residentId: RESIDENT_A,
      uses: 0,
      status: 'ACTIVE',
      version: 1,
      createdAt: '2026-01-05T09:00:02.000Z',
      updatedAt: '2026-01-05T09:00:02.000Z',
      lastOperation: {
        operation: 'GRANT',
        mspId: 'Hospital2MSP',
        actor: '',
        timestamp: '2026-01-05T09:00:02.000Z',
        txId: 'tx0002',
        keyVersion: 1,
        nonce: payload['nonce'],
        signedAt: payload['signedAt'],
        signature,
      },
    });
    expect(bench.stored('consent-grant', RESIDENT_A, 'g-0001')).toBe(canonicalJson(grant));
    expect(parse(bench.stored('consent-nonce', RESIDENT_A, String(payload['nonce'])))).toEqual({
      op: 'consent.grant',
      txId: 'tx0002',
      timestamp: '2026-01-05T09:00:02.000Z',
    });
    const event = bench.ledger.events.at(-1);
    expect(event?.name).toBe('ConsentGranted');
    expect(parse(event?.payload ?? '{}')).toEqual({
      operation: 'GRANT',
      txId: 'tx0002',
      timestamp: '2026-01-05T09:00:02.000Z',
      grants: [grant],
    });
  });

  it('refuses a forged signature: well-formed DER that no key made', async () => {
    const bench = await registered();
    const payload = bench.grantPayload();
    const forged = `30440220${'5a'.repeat(32)}0220${'3c'.repeat(32)}`;
    await expectRefused(bench, bench.submit('Grant', { payload, signature: forged }), 'SIGNATURE_INVALID');
  });

  it("refuses a signature by another resident's key, even when the API is bypassed", async () => {
    const bench = await registered();
    await bench.register(RESIDENT_B, KEY_B);
    const payload = bench.grantPayload();
    for (const key of [KEY_B, KEY_MALLORY]) {
      await expectRefused(
        bench,
        bench.submit('Grant', { payload, signature: sign(payload, key) }),
        'SIGNATURE_INVALID',
      );
    }
  });

  it.each([
    [
      'a field added to the scope',
      (p: Json) => ({ ...p, grant: grantTerms({ scope: { ...scope(), fields: ['*'] } }) }),
    ],
    [
      'another grantee',
      (p: Json) => ({ ...p, grant: grantTerms({ grantee: { mspId: 'InsurerMSP', doctorId: null } }) }),
    ],
    ['a later notAfter', (p: Json) => ({ ...p, grant: grantTerms({ notAfter: '2036-01-01T00:00:00.000Z' }) })],
    ['another purpose', (p: Json) => ({ ...p, grant: grantTerms({ purpose: 'RESEARCH' }) })],
    ['another resident', (p: Json) => ({ ...p, residentId: RESIDENT_B })],
  ])('refuses %s after signing', async (_label, tamper) => {
    const bench = await registered();
    await bench.register(RESIDENT_B, KEY_B);
    const payload = bench.grantPayload();
    const signature = sign(payload, KEY_A);
    await expectRefused(bench, bench.submit('Grant', { payload: tamper(payload), signature }), 'SIGNATURE_INVALID');
  });

  it('refuses a replay of the same signed grant, and a new grant reusing a nonce', async () => {
    const bench = await registered();
    const payload = bench.grantPayload();
    const input = { payload, signature: sign(payload, KEY_A) };
    await bench.submit('Grant', input);
    await expectRefused(bench, bench.submit('Grant', input), 'NONCE_REUSED');

    const again = { ...bench.grantPayload(grantTerms({ grantId: 'g-0002' })), nonce: payload['nonce'] };
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: again, signature: sign(again, KEY_A) }),
      'NONCE_REUSED',
    );
  });

  it('refuses signatures made too long before, or ahead of, the transaction time', async () => {
    const bench = await registered();
    for (const offset of [-601, 121]) {
      const payload = { ...bench.grantPayload(), signedAt: bench.signedAt(offset) };
      await expectRefused(
        bench,
        bench.submit('Grant', { payload, signature: sign(payload, KEY_A) }),
        'SIGNATURE_STALE',
      );
    }
    const inWindow = { ...bench.grantPayload(), signedAt: bench.signedAt(-600) };
    await expect(bench.submit('Grant', { payload: inWindow, signature: sign(inWindow, KEY_A) })).resolves.toContain(
      '"status":"ACTIVE"',
    );
  });

  it('verifies over the canonical encoding only: the same members signed in another order are refused', async () => {
    const bench = await registered();
    const payload = bench.grantPayload();
    const signature = sign(payload, KEY_A);
    const reordered = JSON.stringify({ ...payload, v: 1, op: 'consent.grant' });
    const { sm2 } = await import('sm-crypto-v2');
    const nonCanonical = sm2.doSignature(reordered, KEY_A.privateKey, { hash: true, der: true });
    expect(reordered).not.toBe(canonicalJson(payload));
    await expectRefused(bench, bench.submit('Grant', { payload, signature: nonCanonical }), 'SIGNATURE_INVALID');
    await expect(bench.submit('Grant', { payload, signature })).resolves.toContain('"version":1');
  });

  it('refuses unknown residents, outdated key versions, other operations and repeated grant ids', async () => {
    const bench = await registered();
    const stranger = bench.grantPayload(grantTerms(), RESIDENT_B);
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: stranger, signature: sign(stranger, KEY_B) }),
      'RESIDENT_KEY_UNKNOWN',
    );
    const future = bench.grantPayload(grantTerms(), RESIDENT_A, 2);
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: future, signature: sign(future, KEY_A) }),
      'RESIDENT_KEY_SUPERSEDED',
    );
    const revoke = bench.header('consent.revoke', RESIDENT_A, { keyVersion: 1, grantId: 'g-0001', version: 1 });
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: revoke, signature: sign(revoke, KEY_A) }),
      'INVALID_ARGUMENT',
    );

    await bench.grant();
    await expectRefused(bench, bench.grant(), 'GRANT_EXISTS');
  });

  it('refuses a validity window that ended before the transaction', async () => {
    const bench = await registered();
    const terms = grantTerms({ notAfter: '2026-01-05T08:00:00.000Z' });
    await expect(bench.grant(terms)).rejects.toThrow(
      'INVALID_ARGUMENT: payload.grant.notAfter must be after the transaction time 2026-01-05T09:00:02.000Z',
    );
  });
});

function scope(): Json {
  return grantTerms()['scope'] as Json;
}

describe('Change and Revoke', () => {
  async function granted(): Promise<ConsentBench> {
    const bench = await registered();
    await bench.grant();
    return bench;
  }

  function changeInput(bench: ConsentBench, version: number, terms: Json, key = KEY_A): Json {
    const payload = bench.header('consent.change', RESIDENT_A, { keyVersion: 1, grantId: 'g-0001', version, terms });
    return { payload, signature: sign(payload, key) };
  }

  const narrower = {
    scope: { recordTypes: ['LAB_REPORT'], recordIds: ['LAB-1'], fields: ['diagnosis'] },
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-06-01T00:00:00.000Z',
    useLimit: 3,
  };

  it('changes scope, window and use limit from the signed version, keeping grantee and purpose', async () => {
    const bench = await granted();
    const changed = parse(await bench.submit('Change', changeInput(bench, 1, narrower)));
    expect(changed).toMatchObject({ ...narrower, version: 2, status: 'ACTIVE', purpose: 'TREATMENT' });
    expect(changed['grantee']).toEqual({ mspId: 'Hospital2MSP', doctorId: 'h2.doctor' });
    expect(bench.ledger.events.at(-1)?.name).toBe('ConsentChanged');
    await expectRefused(bench, bench.submit('Change', changeInput(bench, 1, narrower)), 'GRANT_VERSION_CONFLICT');
    await expectRefused(
      bench,
      bench.submit('Change', changeInput(bench, 2, narrower, KEY_MALLORY)),
      'SIGNATURE_INVALID',
    );
  });

  it('revokes; a revoked grant changes no more', async () => {
    const bench = await granted();
    const revoked = parse(await bench.revoke('g-0001', 1));
    expect(revoked).toMatchObject({ status: 'REVOKED', version: 2, lastOperation: { operation: 'REVOKE' } });
    expect(bench.ledger.events.at(-1)?.name).toBe('ConsentRevoked');
    await expectRefused(bench, bench.revoke('g-0001', 2), 'CONSENT_NOT_ACTIVE');
    await expectRefused(bench, bench.submit('Change', changeInput(bench, 2, narrower)), 'CONSENT_NOT_ACTIVE');
  });

  it('refuses to change an expired grant', async () => {
    const bench = await granted();
    bench.now = Date.UTC(2027, 0, 1, 0, 0, 0) / 1000;
    await expectRefused(bench, bench.submit('Change', changeInput(bench, 1, narrower)), 'CONSENT_NOT_ACTIVE');
  });

  it("does not let resident B revoke resident A's grant", async () => {
    const bench = await granted();
    await bench.register(RESIDENT_B, KEY_B);
    await expectRefused(bench, bench.revoke('g-0001', 1, KEY_B, RESIDENT_A), 'SIGNATURE_INVALID');
    await expectRefused(bench, bench.revoke('g-0001', 1, KEY_B, RESIDENT_B), 'GRANT_NOT_FOUND');
  });
});

describe('EndReferral', () => {
  it("ends the resident's active grants for the referral to the caller's institution, and no others", async () => {
    const bench = await registered();
    await bench.grant(grantTerms({ grantId: 'g-ref', purpose: 'REFERRAL', referralId: 'REF-1' }));
    await bench.grant(grantTerms({ grantId: 'g-other', purpose: 'REFERRAL', referralId: 'REF-2' }));
    const end = (mspId: string): Promise<string> =>
      bench.invoke(mspId, (ctx, c) =>
        c.EndReferral(ctx, JSON.stringify({ residentId: RESIDENT_A, referralId: 'REF-1', actor: 'ref.clerk' })),
      );
    const events = bench.ledger.events.length;
    await expect(end('Hospital1MSP')).resolves.toBe('[]');
    expect(bench.ledger.events).toHaveLength(events);

    const ended = JSON.parse(await end('Hospital2MSP')) as Json[];
    expect(ended.map((grant) => [grant['grantId'], grant['status'], grant['version']])).toEqual([
      ['g-ref', 'ENDED', 2],
    ]);
    expect(ended[0]?.['lastOperation']).toMatchObject({ operation: 'END', mspId: 'Hospital2MSP', actor: 'ref.clerk' });
    expect(bench.ledger.events.at(-1)?.name).toBe('ConsentEnded');
    await expect(end('Hospital2MSP')).resolves.toBe('[]');
    const other = parse(await bench.invoke('Hospital2MSP', (ctx, c) => c.ReadGrant(ctx, RESIDENT_A, 'g-other')));
    expect(other['status']).toBe('ACTIVE');
  });
});

describe('reads', () => {
  it('reads a grant with its status at the query time: EXPIRED after notAfter, as stored in the history', async () => {
    const bench = await registered();
    await bench.grant(grantTerms({ notAfter: '2026-02-01T00:00:00.000Z' }));
    const read = async (): Promise<Json> =>
      parse(await bench.invoke('MedInsMSP', (ctx, c) => c.ReadGrant(ctx, RESIDENT_A, 'g-0001')));
    await expect(read()).resolves.toMatchObject({ status: 'ACTIVE' });
    bench.now = Date.UTC(2026, 1, 1, 0, 0, 0) / 1000;
    await expect(read()).resolves.toMatchObject({ status: 'EXPIRED' });
    const history = JSON.parse(
      await bench.invoke('MedInsMSP', (ctx, c) => c.GrantHistory(ctx, RESIDENT_A, 'g-0001')),
    ) as Json[];
    expect(history.map((entry) => (entry['value'] as Json)['status'])).toEqual(['ACTIVE']);
  });

  it("lists one resident's grants by id, never another's", async () => {
    const bench = await registered();
    await bench.register(RESIDENT_B, KEY_B);
    await bench.grant(grantTerms({ grantId: 'g-b' }));
    await bench.grant(grantTerms({ grantId: 'g-a' }));
    await bench.grant(grantTerms({ grantId: 'g-z' }), KEY_B, RESIDENT_B);
    const list = async (residentId: string): Promise<unknown[]> =>
      (
        JSON.parse(await bench.invoke('Hospital1MSP', (ctx, c) => c.ListGrantsByResident(ctx, residentId))) as Json[]
      ).map((grant) => [grant['residentId'] === residentId, grant['grantId']]);
    await expect(list(RESIDENT_A)).resolves.toEqual([
      [true, 'g-a'],
      [true, 'g-b'],
    ]);
    await expect(list(RESIDENT_B)).resolves.toEqual([[true, 'g-z']]);
  });

  it('lists the grants naming a doctor or their whole institution, for that institution and the regulator only', async () => {
    const bench = await registered();
    await bench.register(RESIDENT_B, KEY_B);
    await bench.grant(grantTerms({ grantId: 'g-doctor' }));
    await bench.grant(grantTerms({ grantId: 'g-other', grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.other' } }));
    await bench.grant(
      grantTerms({ grantId: 'g-all', grantee: { mspId: 'Hospital2MSP', doctorId: null } }),
      KEY_B,
      RESIDENT_B,
    );
    await bench.grant(grantTerms({ grantId: 'g-h1', grantee: { mspId: 'Hospital1MSP', doctorId: 'h2.doctor' } }));
    const list = async (caller: string, doctorId: string): Promise<unknown[]> =>
      (
        JSON.parse(
          await bench.invoke(caller, (ctx, c) => c.ListGrantsByGrantee(ctx, 'Hospital2MSP', doctorId)),
        ) as Json[]
      ).map((grant) => grant['grantId']);
    const byResident = RESIDENT_A < RESIDENT_B ? ['g-doctor', 'g-all'] : ['g-all', 'g-doctor'];
    await expect(list('Hospital2MSP', 'h2.doctor')).resolves.toEqual(byResident);
    await expect(list('HealthCommMSP', '')).resolves.toEqual(['g-all']);
    await expect(list('Hospital1MSP', 'h2.doctor')).rejects.toThrow(/^FORBIDDEN: /);
    await expect(list('Hospital2MSP', '*')).rejects.toThrow(/^INVALID_ARGUMENT: doctorId /);
  });

  it('answers unknown grants and keys with their codes, and members only', async () => {
    const bench = await registered();
    await expect(bench.invoke('Hospital1MSP', (ctx, c) => c.ReadGrant(ctx, RESIDENT_A, 'nope'))).rejects.toThrow(
      /^GRANT_NOT_FOUND: /,
    );
    await expect(bench.invoke('Hospital1MSP', (ctx, c) => c.GrantHistory(ctx, RESIDENT_A, 'nope'))).rejects.toThrow(
      /^GRANT_NOT_FOUND: /,
    );
    await expect(bench.invoke('Hospital1MSP', (ctx, c) => c.ReadResidentKey(ctx, RESIDENT_B))).rejects.toThrow(
      /^RESIDENT_KEY_UNKNOWN: /,
    );
    await expect(bench.invoke('Hospital1MSP', (ctx, c) => c.ResidentKeyHistory(ctx, RESIDENT_B))).rejects.toThrow(
      /^RESIDENT_KEY_UNKNOWN: /,
    );
    await expect(bench.invoke('Org9MSP', (ctx, c) => c.ReadResidentKey(ctx, RESIDENT_A))).rejects.toThrow(
      /^FORBIDDEN: /,
    );
    await expect(bench.invoke('Hospital1MSP', (ctx, c) => c.ReadGrant(ctx, 'not-a-resident', 'g'))).rejects.toThrow(
      /^INVALID_ARGUMENT: residentId /,
    );
  });
});

describe('key rotation and recovery', () => {
  function rotation(bench: ConsentBench, oldKey = KEY_A, newKey = KEY_A2): Json {
    const payload = bench.header('resident-key.rotate', RESIDENT_A, { keyVersion: 1, newPublicKey: newKey.publicKey });
    return { payload, signature: sign(payload, oldKey), newKeySignature: sign(payload, newKey) };
  }

  it('rotates with both keys signing; afterwards the old key is refused and the new one accepted', async () => {
    const bench = await registered();
    const rotated = parse(await bench.submit('RotateResidentKey', rotation(bench)));
    expect(rotated).toMatchObject({
      publicKey: KEY_A2.publicKey,
      keyVersion: 2,
      lastOperation: { operation: 'ROTATE' },
    });
    expect(bench.ledger.events.at(-1)?.name).toBe('ResidentKeyRotated');

    const signedOld = bench.grantPayload(grantTerms(), RESIDENT_A, 2);
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: signedOld, signature: sign(signedOld, KEY_A) }),
      'SIGNATURE_INVALID',
    );
    const outdated = bench.grantPayload(grantTerms(), RESIDENT_A, 1);
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: outdated, signature: sign(outdated, KEY_A) }),
      'RESIDENT_KEY_SUPERSEDED',
    );
    const signedNew = bench.grantPayload(grantTerms(), RESIDENT_A, 2);
    await expect(bench.submit('Grant', { payload: signedNew, signature: sign(signedNew, KEY_A2) })).resolves.toContain(
      '"keyVersion":2',
    );
  });

  it('refuses a rotation the new key did not sign, or the old key did not sign', async () => {
    const bench = await registered();
    const input = rotation(bench);
    await expectRefused(
      bench,
      bench.submit('RotateResidentKey', { ...input, newKeySignature: input['signature'] }),
      'SIGNATURE_INVALID',
    );
    await expectRefused(bench, bench.submit('RotateResidentKey', rotation(bench, KEY_MALLORY)), 'SIGNATURE_INVALID');
    await expectRefused(bench, bench.submit('RotateResidentKey', rotation(bench, KEY_A, KEY_A)), 'INVALID_ARGUMENT');
  });

  function recovery(bench: ConsentBench, signer = KEY_A2): string {
    const payload = bench.header('resident-key.recover', RESIDENT_A, { keyVersion: 1, newPublicKey: KEY_A2.publicKey });
    const reason = 'phone lost; identity checked at the registration desk';
    return JSON.stringify({ payload, signature: sign(payload, signer), actor: 'h1.registrar', reason });
  }

  it('recovers a lost key by an authority, recording who and why in the key history', async () => {
    const bench = await registered();
    const input = recovery(bench);
    await expectRefused(
      bench,
      bench.invoke('InsurerMSP', (ctx, c) => c.RecoverResidentKey(ctx, input)),
      'FORBIDDEN',
    );
    const unsigned = recovery(bench, KEY_MALLORY);
    await expectRefused(
      bench,
      bench.invoke('Hospital1MSP', (ctx, c) => c.RecoverResidentKey(ctx, unsigned)),
      'SIGNATURE_INVALID',
    );
    await bench.invoke('Hospital1MSP', (ctx, c) => c.RecoverResidentKey(ctx, input));
    expect(bench.ledger.events.at(-1)?.name).toBe('ResidentKeyRecovered');

    const history = JSON.parse(
      await bench.invoke('HealthCommMSP', (ctx, c) => c.ResidentKeyHistory(ctx, RESIDENT_A)),
    ) as { value: Json }[];
    expect(history.map(({ value }) => [value['keyVersion'], value['publicKey'], value['lastOperation']])).toEqual([
      [1, KEY_A.publicKey, expect.objectContaining({ operation: 'REGISTER', mspId: 'HealthCommMSP', reason: '' })],
      [
        2,
        KEY_A2.publicKey,
        expect.objectContaining({
          operation: 'RECOVER',
          mspId: 'Hospital1MSP',
          actor: 'h1.registrar',
          reason: 'phone lost; identity checked at the registration desk',
        }),
      ],
    ]);
    const current = parse(await bench.invoke('MedInsMSP', (ctx, c) => c.ReadResidentKey(ctx, RESIDENT_A)));
    expect(current['keyVersion']).toBe(2);

    const lostKey = bench.grantPayload(grantTerms(), RESIDENT_A, 2);
    await expectRefused(
      bench,
      bench.submit('Grant', { payload: lostKey, signature: sign(lostKey, KEY_A) }),
      'SIGNATURE_INVALID',
    );
  });
});
