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

/** Signs a bearer token for the user (HS256, 8 hours). Role and org are re-read from the directory on use. */
export function issueToken(user: User, secret: string, nowMs: number = Date.now()): IssuedToken {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + TOKEN_LIFETIME_SECONDS;
  const token = jwt.sign({ mspId: user.mspId, role: user.role, iat, exp }, secret, {
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
    payload = jwt.verify(token, secret, {
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
