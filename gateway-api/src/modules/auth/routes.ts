import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { currentUser } from './middleware';
import type { User } from './roles';
import { issueToken } from './tokens';
import type { LoginThrottle } from './throttle';
import type { UserDirectory } from './users';
import { AppError } from '../../errors';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { loginBodySchema, loginResponseSchema, userSchema } from './schemas';

function publicUser(user: User): z.infer<typeof userSchema> {
  return {
    username: user.username,
    displayName: user.displayName,
    mspId: user.mspId,
    role: user.role,
    ...(user.unit === undefined ? {} : { unit: user.unit }),
    ...(user.residentId === undefined ? {} : { residentId: user.residentId }),
    ...(user.department === undefined ? {} : { department: user.department }),
  };
}

/**
 * Checks a password under the login throttle: while the account, or the account from this address,
 * must wait, the attempt is refused with 429 and Retry-After before the password is looked at.
 */
async function checkLogin(
  users: UserDirectory,
  throttle: LoginThrottle,
  credentials: { username: string; password: string },
  ip: string | undefined,
): Promise<User> {
  const { retryAfterMs } = throttle.admit(credentials.username, ip);
  if (retryAfterMs > 0) {
    const seconds = Math.ceil(retryAfterMs / 1000);
    throw new AppError('RATE_LIMITED', `too many failed logins for this account, try again in ${seconds} s`, {
      headers: { 'Retry-After': String(seconds) },
    });
  }
  const user = await users.authenticate(credentials.username, credentials.password);
  if (!user) throw new AppError('UNAUTHENTICATED', 'invalid username or password');
  throttle.succeeded(credentials.username, ip);
  return user;
}

const LOGIN_DESCRIPTION =
  'Failed logins are throttled per account and client address (5 free, then 1 s doubling up to 15 min) ' +
  'and per account (20 free, then 1 s doubling up to 60 s; not for addresses the account logged in from ' +
  'in the last 30 days). A throttled attempt answers 429 with Retry-After and is not counted; ' +
  'a successful login clears the count.';

/** POST /auth/login (public, rate limited per IP, throttled per account) and GET /auth/me (authenticated). */
export function authRoutes(options: {
  users: UserDirectory;
  jwtSecret: string;
  loginLimiter: RequestHandler;
  loginThrottle: LoginThrottle;
}): Route[] {
  const login = route({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    tag: 'auth',
    summary: 'Exchange username and password for a bearer token (8 hours)',
    description: LOGIN_DESCRIPTION,
    auth: 'public',
    before: [options.loginLimiter],
    body: { json: loginBodySchema },
    responses: { 200: { description: 'Token issued', schema: loginResponseSchema } },
    errors: [400, 401],
    handle: async ({ req }) => {
      const raw: unknown = req.body;
      const body = parse(loginBodySchema, raw);
      const user = await checkLogin(options.users, options.loginThrottle, body, req.ip);
      const { token, expiresAt } = issueToken(user, options.jwtSecret);
      const reply = { token, tokenType: 'Bearer', expiresAt, user: publicUser(user) };
      return { status: 200, body: reply, headers: { 'Cache-Control': 'no-store' } };
    },
  });
  const me = route({
    method: 'get',
    path: '/auth/me',
    operationId: 'currentUser',
    tag: 'auth',
    summary: 'The authenticated user',
    auth: 'bearer',
    responses: { 200: { description: 'User', schema: userSchema } },
    errors: [401],
    handle: ({ req }) => Promise.resolve({ status: 200, body: publicUser(currentUser(req)) }),
  });
  return [login, me];
}
