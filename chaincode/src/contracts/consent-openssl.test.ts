/**
 * Interoperability of resident signatures with an independent SM2 implementation, OpenSSL's
 * command line: what OpenSSL signs over the canonical encoding, the chaincode accepts; what the
 * project signs, OpenSSL verifies. Needs the `openssl` program (3.0 or later).
 */
import { SM2_USER_ID, canonicalJson } from '@hdt/vocabulary';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsentBench, KEY_A, RESIDENT_A, grantTerms, sign } from '../../test/consent';

/** SubjectPublicKeyInfo of an SM2 key up to its point: id-ecPublicKey, curve 1.2.156.10197.1.301. */
const SM2_SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';
const DISTID = `distid:${SM2_USER_ID}`;

let dir = '';

function openssl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function opensslOk(...args: string[]): string {
  const result = openssl(...args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function file(name: string): string {
  return join(dir, name);
}

/** A fresh SM2 key made by OpenSSL; returns its PEM path and its public key as uncompressed hex. */
function opensslKey(name: string): { pem: string; publicKey: string } {
  const pem = file(`${name}.pem`);
  opensslOk('genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', pem);
  opensslOk('pkey', '-in', pem, '-pubout', '-outform', 'DER', '-out', file(`${name}.pub.der`));
  const spki = readFileSync(file(`${name}.pub.der`)).toString('hex');
  expect(spki.startsWith(SM2_SPKI_PREFIX)).toBe(true);
  return { pem, publicKey: spki.slice(SM2_SPKI_PREFIX.length) };
}

/** OpenSSL's SM2 signature (DER, hex) over the payload's canonical encoding. */
function opensslSign(payload: object, pem: string, options: string[] = ['-pkeyopt', DISTID]): string {
  writeFileSync(file('message'), canonicalJson(payload), 'utf8');
  opensslOk(
    'pkeyutl',
    '-sign',
    '-rawin',
    '-digest',
    'sm3',
    '-inkey',
    pem,
    ...options,
    '-in',
    file('message'),
    '-out',
    file('sig'),
  );
  return readFileSync(file('sig')).toString('hex');
}

/** Whether OpenSSL verifies `signature` over `message` under the public key (uncompressed hex). */
function opensslVerifies(
  message: string,
  signature: string,
  publicKey: string,
  options = ['-pkeyopt', DISTID],
): boolean {
  const der = Buffer.from(SM2_SPKI_PREFIX + publicKey, 'hex').toString('base64');
  writeFileSync(
    file('pub.pem'),
    `-----BEGIN PUBLIC KEY-----\n${der.replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`,
  );
  writeFileSync(file('verify-message'), message, 'utf8');
  writeFileSync(file('verify-sig'), Buffer.from(signature, 'hex'));
  const result = openssl(
    'pkeyutl',
    '-verify',
    '-rawin',
    '-digest',
    'sm3',
    '-pubin',
    '-inkey',
    file('pub.pem'),
    ...options,
    '-in',
    file('verify-message'),
    '-sigfile',
    file('verify-sig'),
  );
  return result.status === 0 && result.stdout.includes('Signature Verified Successfully');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'consent-openssl-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('signatures made by OpenSSL', () => {
  it('register a key made by OpenSSL and grant consent with it', async () => {
    const bench = new ConsentBench();
    const key = opensslKey('resident');
    const registration = bench.header('resident-key.register', RESIDENT_A, { publicKey: key.publicKey });
    const signature = opensslSign(registration, key.pem);
    const registerInput = JSON.stringify({ payload: registration, signature, actor: 'hc.registrar' });
    await bench.invoke('HealthCommMSP', (ctx, c) => c.RegisterResidentKey(ctx, registerInput));

    const payload = bench.grantPayload(grantTerms({ grantId: 'openssl-1' }));
    const granted = JSON.parse(await bench.submit('Grant', { payload, signature: opensslSign(payload, key.pem) })) as {
      status: string;
    };
    expect(granted.status).toBe('ACTIVE');

    const tampered = { ...payload, nonce: bench.nonce() };
    await expect(
      bench.submit('Grant', { payload: tampered, signature: opensslSign(payload, key.pem) }),
    ).rejects.toThrow(/^SIGNATURE_INVALID: /);
  });

  it('agree with OpenSSL on the distinguishing id: a signature OpenSSL makes without distid is judged as OpenSSL judges it under 1234567812345678', async () => {
    const bench = new ConsentBench();
    const key = opensslKey('no-distid');
    const payload = bench.header('resident-key.register', RESIDENT_A, { publicKey: key.publicKey });
    const signature = opensslSign(payload, key.pem, []);
    const message = canonicalJson(payload);
    expect(opensslVerifies(message, signature, key.publicKey, [])).toBe(true);
    const standard = opensslVerifies(message, signature, key.publicKey);
    const input = JSON.stringify({ payload, signature, actor: 'hc.registrar' });
    const attempt = bench.invoke('HealthCommMSP', (ctx, c) => c.RegisterResidentKey(ctx, input));
    if (standard) {
      await expect(attempt).resolves.toContain('"keyVersion":1');
    } else {
      await expect(attempt).rejects.toThrow(/^SIGNATURE_INVALID: /);
    }
  });
});

describe('signatures made by the project', () => {
  it('verify with OpenSSL over the canonical encoding, and fail there once the message changes', () => {
    const bench = new ConsentBench();
    const payload = bench.grantPayload();
    const signature = sign(payload, KEY_A);
    expect(opensslVerifies(canonicalJson(payload), signature, KEY_A.publicKey)).toBe(true);
    const changed = canonicalJson({ ...payload, grant: grantTerms({ purpose: 'RESEARCH' }) });
    expect(opensslVerifies(changed, signature, KEY_A.publicKey)).toBe(false);
  });
});
