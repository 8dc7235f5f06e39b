import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { User } from './roles';

const TOKEN_ALGORITHM = 'HS256';
const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;
export const TOKEN_ISSUER = 'hdt-gateway';
export const TOKEN_AUDIENCE = 'hdt-api';

export interface IssuedToken {
  token: string;
  /** ISO-8601 expiry. */
  expiresAt: string;
}

const keys = new Map<string, KeyObject>();

/**
 * The secret as a key object, made once: given a string, jsonwebtoken first tries to read it as a
 * public key and builds an error each time, a few milliseconds of every request.
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** Signs a bearer token for the user (HS256, 8 hours). Role and org are re-read from the directory on use. */
export function issueToken(user: User, secret: string, nowMs: number = Date.now()): IssuedToken {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + TOKEN_LIFETIME_SECONDS;
  const token = jwt.sign({ mspId: user.mspId, role: user.role, iat, exp }, keyOf(secret), {
    algorithm: TOKEN_ALGORITHM,
    subject: user.username,
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
  });
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  mspId: z.string(),
  role: z.string(),
});

export type TokenClaims = z.infer<typeof claimsSchema>;

/** Verifies signature, algorithm, issuer, audience and expiry; returns undefined when any fails. */
export function verifyToken(token: string, secret: string): TokenClaims | undefined {
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyOf(secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
  } catch {
    return undefined;
  }
  const parsed = claimsSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}
