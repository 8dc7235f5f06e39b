import * as path from 'node:path';
import { ConfigError, loadConfig } from './config';

const HEX = 'ab'.repeat(32);
const valid = {
  FABRIC_CONNECTION_FILE: 'connection.json',
  DEMO_USERS_FILE: 'users.json',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/hdt',
  IPFS_API_URL: 'http://127.0.0.1:5001',
  DATA_KEK_HEX: HEX,
  JWT_SECRET: 'x'.repeat(32),
  ISSUER_SECRET_HEX: 'cd'.repeat(32),
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults for HOST, PORT and the rate limits', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      rateLimitPerMinute: 600,
      loginRateLimitPerMinute: 30,
    });
    expect(config.issuerSecret).toEqual(Buffer.from('cd'.repeat(32), 'hex'));
    expect(config.dataKekId).toBeUndefined();
    expect(config.webDir).toBe(path.resolve(__dirname, '..', '..', 'apps', 'web', 'dist'));
  });

  it('protects check codes with 32,000 PBKDF2 iterations and limits failed guesses by default', () => {
    expect(loadConfig(valid)).toMatchObject({
      checkCodeIterations: 32_000,
      guessLimits: { perUserAndInvoice: 5, perInvoice: 20, perUser: 30, windowSeconds: 900 },
    });
    const tuned = loadConfig({
      ...valid,
      CHECK_CODE_KDF_ITERATIONS: '50000',
      CHECK_CODE_FAILURES_PER_USER_AND_INVOICE: '3',
      CHECK_CODE_FAILURES_PER_INVOICE: '10',
      CHECK_CODE_FAILURES_PER_USER: '12',
      CHECK_CODE_FAILURE_WINDOW_SECONDS: '600',
    });
    expect(tuned).toMatchObject({
      checkCodeIterations: 50_000,
      guessLimits: { perUserAndInvoice: 3, perInvoice: 10, perUser: 12, windowSeconds: 600 },
    });
  });

  it('reads explicit values', () => {
    const config = loadConfig({
      ...valid,
      HOST: '0.0.0.0',
      PORT: '9090',
      RATE_LIMIT_PER_MINUTE: '50',
      DATA_KEK_ID: 'kek-1',
    });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9090, rateLimitPerMinute: 50, dataKekId: 'kek-1' });
    expect(loadConfig({ ...valid, WEB_DIR: '/srv/pages' }).webDir).toBe('/srv/pages');
  });

  it('applies the documented HTTP timeouts by default and reads explicit ones', () => {
    expect(loadConfig(valid).httpTimeouts).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
    });
    const config = loadConfig({
      ...valid,
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '30000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
    });
    expect(config.httpTimeouts).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
    });
  });

  it('refuses a headers timeout longer than the request timeout, naming both', () => {
    const message = errorOf({ ...valid, HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' });
    expect(message).toContain('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...valid, PORT: '' }).port).toBe(8080);
    expect(errorOf({ ...valid, JWT_SECRET: '' })).toContain('JWT_SECRET is required');
  });

  it.each([
    ['FABRIC_CONNECTION_FILE', undefined, 'is required'],
    ['DEMO_USERS_FILE', undefined, 'is required'],
    ['MONGODB_URI', 'postgres://x', 'must be a mongodb:// URI'],
    ['IPFS_API_URL', 'not a url', 'must be an http(s) URL'],
    ['DATA_KEK_HEX', 'abcd', 'must be 64 hexadecimal characters'],
    ['JWT_SECRET', 'short', 'must be at least 32 characters'],
    ['ISSUER_SECRET_HEX', 'zz'.repeat(32), 'must be 64 hexadecimal characters'],
    ['PORT', '70000', 'must be <= 65535'],
    ['PORT', 'eighty', 'must be an integer'],
    ['RATE_LIMIT_PER_MINUTE', '0', 'must be >= 1'],
    ['CHECK_CODE_KDF_ITERATIONS', '9999', 'must be >= 10000'],
    ['CHECK_CODE_KDF_ITERATIONS', '10000001', 'must be <= 10000000'],
    ['CHECK_CODE_FAILURES_PER_INVOICE', '0', 'must be >= 1'],
    ['HTTP_REQUEST_TIMEOUT_MS', '0', 'must be >= 100'],
    ['HTTP_HEADERS_TIMEOUT_MS', '10s', 'must be an integer'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '99999999', 'must be <='],
  ])('names %s when it is invalid', (name, value, text) => {
    const message = errorOf({ ...valid, [name]: value });
    expect(message).toContain(`${name} ${text}`);
  });

  it('lists every missing variable at once and never echoes secret values', () => {
    const message = errorOf({ JWT_SECRET: 'tiny-secret' });
    for (const name of [
      'FABRIC_CONNECTION_FILE',
      'DEMO_USERS_FILE',
      'MONGODB_URI',
      'IPFS_API_URL',
      'DATA_KEK_HEX',
      'ISSUER_SECRET_HEX',
      'JWT_SECRET',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('tiny-secret');
  });
});
