import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import {
  chooseResident,
  demographicHash,
  empiKey,
  idNumberChecks,
  idNumberHash,
  normaliseName,
  residentIdForIdHash,
} from './matching';
import { GENESIS_HASH, firstBroken, nextEntry, type AuditContent } from './audit';

const KEY = empiKey(Buffer.alloc(32, 7));
const ID = '11010519491231002X';

describe('the EMPI matching rule', () => {
  it('checks the ID number check character (GB 11643)', () => {
    expect(idNumberChecks(ID)).toBe(true);
    expect(idNumberChecks(ID.toLowerCase())).toBe(true);
    expect(idNumberChecks('110105194912310021')).toBe(false);
    expect(idNumberChecks('11010519491231002')).toBe(false);
  });

  it('hashes the ID number with HMAC-SM3 under the EMPI key, case of X ignored', () => {
    expect(idNumberHash(KEY, ID)).toBe(idNumberHash(KEY, ID.toLowerCase()));
    expect(idNumberHash(KEY, ID)).toBe(createHmac('sm3', KEY).update(`id|${ID}`).digest('hex'));
    expect(idNumberHash(empiKey(Buffer.alloc(32, 8)), ID)).not.toBe(idNumberHash(KEY, ID));
  });

  it('agrees with OpenSSL on HMAC-SM3', () => {
    const openssl = spawnSync(
      'openssl',
      ['mac', '-digest', 'SM3', '-macopt', `hexkey:${KEY.toString('hex')}`, 'HMAC'],
      {
        input: `id|${ID}`,
      },
    );
    expect(openssl.status).toBe(0);
    expect(openssl.stdout.toString('utf8').trim().toLowerCase()).toBe(idNumberHash(KEY, ID));
  });

  it('hashes demographics equal only when name, birth date and sex are all equal', () => {
    const zhang = { name: '张 三', birthDate: '1949-12-31', sex: 'male' as const };
    expect(normaliseName(' 张　三 ')).toBe('张三');
    expect(demographicHash(KEY, zhang)).toBe(demographicHash(KEY, { ...zhang, name: '张三' }));
    expect(demographicHash(KEY, zhang)).not.toBe(demographicHash(KEY, { ...zhang, sex: 'female' }));
    expect(demographicHash(KEY, zhang)).not.toBe(demographicHash(KEY, { ...zhang, birthDate: '1949-12-30' }));
    expect(demographicHash(KEY, zhang)).not.toBe(demographicHash(KEY, { ...zhang, name: '张四' }));
  });

  it('sends an ID-number hash to its own resident id, and a patient without one to a new resident', () => {
    const hash = idNumberHash(KEY, ID);
    expect(chooseResident(hash, () => 'new')).toEqual({ residentId: residentIdForIdHash(hash), method: 'ID_NUMBER' });
    expect(residentIdForIdHash(hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(chooseResident(null, () => 'new')).toEqual({ residentId: 'new', method: 'NEW_RESIDENT' });
  });
});

describe('the EMPI audit chain', () => {
  const content = (reason: string): AuditContent => ({
    at: '2026-11-30T08:00:00.000Z',
    actor: 'hc.supervisor',
    actorOrg: 'HealthCommMSP',
    action: 'MERGE',
    reason,
    residentIds: ['a', 'b'],
    before: { residents: [] },
    after: { residents: [] },
  });

  it('chains each entry to the one before and finds the first changed one', () => {
    const first = nextEntry(undefined, content('one'));
    const second = nextEntry(first, content('two'));
    const third = nextEntry(second, content('three'));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second.prevHash).toBe(first.hash);
    expect(firstBroken([first, second, third])).toBeNull();
    expect(firstBroken([first, { ...second, reason: 'changed' }, third])).toBe(2);
    expect(firstBroken([first, third])).toBe(3);
  });
});
