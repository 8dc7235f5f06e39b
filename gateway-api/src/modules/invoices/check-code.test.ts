import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CHECK_CODE_KDF } from '@hdt/vocabulary';
import {
  CHECK_CODE_ALPHABET,
  checkCodeMatches,
  deriveCheckCodeHash,
  generateCheckCode,
  newCheckCodeSalt,
  protectCheckCode,
} from './check-code';

const id = { code: '31010125', number: '0000000001' };
const SALT = '00112233445566778899aabbccddeeff';

describe('check codes', () => {
  it('are 6 characters from the unambiguous alphabet', () => {
    expect(CHECK_CODE_ALPHABET).toHaveLength(34);
    expect(CHECK_CODE_ALPHABET).not.toMatch(/[OI]/);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateCheckCode();
      expect(code).toMatch(/^[0-9A-HJ-NP-Z]{6}$/);
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(CHECK_CODE_ALPHABET.length);
  });

  it('get a fresh 16-byte salt each', () => {
    const salts = new Set(Array.from({ length: 100 }, () => newCheckCodeSalt()));
    expect(salts.size).toBe(100);
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('PBKDF2-HMAC-SM3 of the check code', () => {
  it('derives the known answer (computed with `openssl kdf ... PBKDF2`)', async () => {
    await expect(deriveCheckCodeHash(id, '7K3QXP', SALT, 10_000)).resolves.toBe(
      'd7b69ae68e419b2249d47998582be7e3b77eba4af3aaddf9b540f1912ced983c',
    );
  });

  it('depends on the code, the number, the check code, the salt and the iterations', async () => {
    const base = await deriveCheckCodeHash(id, '7K3QXP', SALT, 10_000);
    const variants = await Promise.all([
      deriveCheckCodeHash({ ...id, code: '31010126' }, '7K3QXP', SALT, 10_000),
      deriveCheckCodeHash({ ...id, number: '0000000002' }, '7K3QXP', SALT, 10_000),
      deriveCheckCodeHash(id, '7K3QXQ', SALT, 10_000),
      deriveCheckCodeHash(id, '7K3QXP', 'f'.repeat(32), 10_000),
      deriveCheckCodeHash(id, '7K3QXP', SALT, 10_001),
    ]);
    expect(new Set([base, ...variants]).size).toBe(6);
  });

  it('runs off the event loop (libuv thread pool): a timer fires before the derivation ends', async () => {
    const order: string[] = [];
    const derived = deriveCheckCodeHash(id, '7K3QXP', SALT, 50_000).then(() => order.push('derived'));
    setImmediate(() => order.push('event loop turned'));
    await derived;
    expect(order).toEqual(['event loop turned', 'derived']);
  });

  it('protects a check code with a fresh salt and the given iterations, and recognises it again', async () => {
    const a = await protectCheckCode(id, '7K3QXP', CHECK_CODE_KDF.minIterations);
    const b = await protectCheckCode(id, '7K3QXP', CHECK_CODE_KDF.minIterations);
    expect(a.checkCodeSalt).not.toBe(b.checkCodeSalt);
    expect(a.checkCodeHash).not.toBe(b.checkCodeHash);
    expect(a.checkCodeIterations).toBe(10_000);
    expect(a.checkCodeHash).toMatch(/^[0-9a-f]{64}$/);
    await expect(checkCodeMatches(id, '7K3QXP', a)).resolves.toBe(true);
    await expect(checkCodeMatches(id, '7K3QXR', a)).resolves.toBe(false);
    await expect(checkCodeMatches({ ...id, number: '0000000002' }, '7K3QXP', a)).resolves.toBe(false);
  });
});

/** `openssl kdf` output: colon-separated uppercase hex. */
function opensslPbkdf2(password: string, saltHex: string, iterations: number): string {
  const args = ['kdf', '-keylen', String(CHECK_CODE_KDF.keyBytes), '-kdfopt', 'digest:SM3'];
  args.push('-kdfopt', `pass:${password}`, '-kdfopt', `hexsalt:${saltHex}`, '-kdfopt', `iter:${iterations}`, 'PBKDF2');
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim().replace(/:/g, '').toLowerCase();
}

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const hasOpenssl = openssl.error === undefined && openssl.status === 0;
const interop = hasOpenssl ? it : it.skip;

describe('interop with the OpenSSL command line', () => {
  interop(
    `the gateway's derivation equals \`openssl kdf -kdfopt digest:SM3 ... PBKDF2\`${hasOpenssl ? '' : ' (skipped: openssl not found on PATH)'}`,
    async () => {
      const cases = [
        { ...id, checkCode: '7K3QXP', salt: SALT, iterations: 10_000 },
        {
          code: '31020125',
          number: '0000012345',
          checkCode: generateCheckCode(),
          salt: newCheckCodeSalt(),
          iterations: 20_000,
        },
        {
          code: '31019999',
          number: '9999999999',
          checkCode: generateCheckCode(),
          salt: randomBytes(16).toString('hex'),
          iterations: 12_345,
        },
      ];
      for (const c of cases) {
        const password = `${c.code}:${c.number}:${c.checkCode}`;
        const ours = await deriveCheckCodeHash(c, c.checkCode, c.salt, c.iterations);
        expect({ ...c, hash: ours }).toEqual({ ...c, hash: opensslPbkdf2(password, c.salt, c.iterations) });
      }
    },
  );
});
