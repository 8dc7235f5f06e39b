import * as path from 'node:path';
import { CHECK_CODE_KDF } from '@hdt/vocabulary';
import { z } from 'zod';
import { DEFAULT_CHECK_CODE_ITERATIONS } from './modules/invoices/check-code';
import { DEFAULT_GUESS_LIMITS, type GuessLimits } from './modules/invoices/check-code-guard';
import { ISSUANCE_POINTS, type IssuancePoint } from './modules/invoices/issuance';
import { LIFECYCLE_POINTS, type LifecyclePoint } from './modules/invoices/lifecycle-service';

/** Settings of the gateway, read once from the environment at start-up. */
export interface Config {
  host: string;
  port: number;
  /** JSON connection profile: { channel, chaincode, orgs: { [mspId]: {...} } }. */
  fabricConnectionFile: string;
  /** JSON array of demo users (plain demo passwords, hashed at load). */
  demoUsersFile: string;
  mongodbUri: string;
  ipfsApiUrl: string;
  /** Key-encryption key for the per-document data keys, 64 hex chars. */
  dataKekHex: string;
  /** Identifier of that KEK, recorded next to every wrapped data key. */
  dataKekId: string | undefined;
  jwtSecret: string;
  /** Key of the payer pseudonym HMAC-SM3 (32 bytes). */
  issuerSecret: Buffer;
  /** Requests per minute and client IP over the whole API. */
  rateLimitPerMinute: number;
  /** Login attempts per minute and client IP. */
  loginRateLimitPerMinute: number;
  /** The web pages (apps/web's build), served under /app/. */
  webDir: string;
  /** PBKDF2-HMAC-SM3 iterations protecting the check codes of new invoices. */
  checkCodeIterations: number;
  /** Failed check-code guesses allowed per window. */
  guessLimits: GuessLimits;
  /** Limits on how long a client may take to send a request, and how long an idle connection stays. */
  httpTimeouts: HttpTimeouts;
  /** Lease of a running issuance (then the recovery worker may take it over) and the worker's pause, in ms. */
  issuanceTiming: { leaseMs: number; recoveryIntervalMs: number };
  /** Ciphertext pinned in IPFS and referenced by nothing counts as orphaned after this long unreferenced. */
  orphanGraceMs: number;
  /** Bytes of sealed blobs kept in memory in front of IPFS (0: none). */
  blobCacheBytes: number;
  /** Crash tests only: the process kills itself when an issuance reaches this point. */
  issuanceCrashAt: IssuancePoint | undefined;
  /** Crash tests only: the process kills itself once a lifecycle operation has committed, before it answers. */
  lifecycleCrashAt: LifecyclePoint | undefined;
  /** A request under an Idempotency-Key still pending after this long is taken over by its retry (ms). */
  idempotencyStaleAfterMs: number;
}

export interface HttpTimeouts {
  /** Time from a request's first byte until its headers are complete. */
  headersTimeoutMs: number;
  /** Time from a request's first byte until the whole request, body included, is received. */
  requestTimeoutMs: number;
  /** Idle time of a keep-alive connection after a response before it is closed. */
  keepAliveTimeoutMs: number;
}

/** apps/web/dist of this checkout (from gateway-api/dist or gateway-api/src). */
const DEFAULT_WEB_DIR = path.resolve(__dirname, '..', '..', 'apps', 'web', 'dist');

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

const required = z.string({ error: 'is required' }).trim().min(1, { error: 'is required' });
const hex64 = required.regex(HEX64, { error: 'must be 64 hexadecimal characters (32 bytes)' });

function intInRange(min: number, max: number, fallback: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : Number(value)))
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be >= ${min}` })
        .max(max, { error: `must be <= ${max}` }),
    );
}

const HOUR_MS = 60 * 60 * 1000;

const envSchema = z
  .object({
    HOST: z.string().trim().min(1).optional().default('127.0.0.1'),
    PORT: intInRange(1, 65535, 8080),
    FABRIC_CONNECTION_FILE: required,
    DEMO_USERS_FILE: required,
    MONGODB_URI: required.regex(/^mongodb(\+srv)?:\/\//, { error: 'must be a mongodb:// URI' }),
    IPFS_API_URL: required.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
    DATA_KEK_HEX: hex64,
    DATA_KEK_ID: z.string().trim().min(1).max(64).optional(),
    JWT_SECRET: z.string({ error: 'is required' }).min(32, { error: 'must be at least 32 characters' }),
    ISSUER_SECRET_HEX: hex64,
    RATE_LIMIT_PER_MINUTE: intInRange(1, 1_000_000, 600),
    LOGIN_RATE_LIMIT_PER_MINUTE: intInRange(1, 1_000_000, 30),
    WEB_DIR: z.string().trim().min(1).optional().default(DEFAULT_WEB_DIR),
    HTTP_HEADERS_TIMEOUT_MS: intInRange(100, HOUR_MS, 10_000),
    HTTP_REQUEST_TIMEOUT_MS: intInRange(100, HOUR_MS, 60_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: intInRange(100, HOUR_MS, 5_000),
    CHECK_CODE_KDF_ITERATIONS: intInRange(
      CHECK_CODE_KDF.minIterations,
      CHECK_CODE_KDF.maxIterations,
      DEFAULT_CHECK_CODE_ITERATIONS,
    ),
    CHECK_CODE_FAILURES_PER_USER_AND_INVOICE: intInRange(1, 1000, DEFAULT_GUESS_LIMITS.perUserAndInvoice),
    CHECK_CODE_FAILURES_PER_INVOICE: intInRange(1, 10_000, DEFAULT_GUESS_LIMITS.perInvoice),
    CHECK_CODE_FAILURES_PER_USER: intInRange(1, 100_000, DEFAULT_GUESS_LIMITS.perUser),
    CHECK_CODE_FAILURE_WINDOW_SECONDS: intInRange(1, 7 * 24 * 3600, DEFAULT_GUESS_LIMITS.windowSeconds),
    ISSUANCE_LEASE_MS: intInRange(1000, HOUR_MS, 120_000),
    ISSUANCE_RECOVERY_INTERVAL_MS: intInRange(100, HOUR_MS, 2_000),
    ISSUANCE_CRASH_AT: z.enum(ISSUANCE_POINTS).optional(),
    LIFECYCLE_CRASH_AT: z.enum(LIFECYCLE_POINTS).optional(),
    IDEMPOTENCY_STALE_AFTER_MS: intInRange(1000, 24 * HOUR_MS, 300_000),
    RECONCILE_ORPHAN_GRACE_MS: intInRange(1000, 7 * 24 * HOUR_MS, HOUR_MS),
    BLOB_CACHE_MB: intInRange(0, 4096, 32),
  })
  .superRefine((env, ctx) => {
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
      });
    }
  });

function guessLimitsOf(e: z.infer<typeof envSchema>): GuessLimits {
  return {
    perUserAndInvoice: e.CHECK_CODE_FAILURES_PER_USER_AND_INVOICE,
    perInvoice: e.CHECK_CODE_FAILURES_PER_INVOICE,
    perUser: e.CHECK_CODE_FAILURES_PER_USER,
    windowSeconds: e.CHECK_CODE_FAILURE_WINDOW_SECONDS,
  };
}

/**
 * Reads and validates the environment. Throws a ConfigError naming every offending variable
 * (never echoing its value, which may be a secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `PORT=` falls back to the default.
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[name] = value;
  }
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')} ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    fabricConnectionFile: e.FABRIC_CONNECTION_FILE,
    demoUsersFile: e.DEMO_USERS_FILE,
    mongodbUri: e.MONGODB_URI,
    ipfsApiUrl: e.IPFS_API_URL,
    dataKekHex: e.DATA_KEK_HEX.toLowerCase(),
    dataKekId: e.DATA_KEK_ID,
    jwtSecret: e.JWT_SECRET,
    issuerSecret: Buffer.from(e.ISSUER_SECRET_HEX, 'hex'),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    webDir: path.resolve(e.WEB_DIR),
    checkCodeIterations: e.CHECK_CODE_KDF_ITERATIONS,
    guessLimits: guessLimitsOf(e),
    httpTimeouts: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    issuanceTiming: { leaseMs: e.ISSUANCE_LEASE_MS, recoveryIntervalMs: e.ISSUANCE_RECOVERY_INTERVAL_MS },
    issuanceCrashAt: e.ISSUANCE_CRASH_AT,
    lifecycleCrashAt: e.LIFECYCLE_CRASH_AT,
    idempotencyStaleAfterMs: e.IDEMPOTENCY_STALE_AFTER_MS,
    orphanGraceMs: e.RECONCILE_ORPHAN_GRACE_MS,
    blobCacheBytes: e.BLOB_CACHE_MB * 1024 * 1024,
  };
}
