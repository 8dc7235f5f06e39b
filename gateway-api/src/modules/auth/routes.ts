import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { currentUser } from './middleware';
import type { User } from './roles';
import { issueToken } from './tokens';
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
  };
}

/** POST /auth/login (public, rate limited) and GET /auth/me (authenticated). */
export function authRoutes(options: {
  users: UserDirectory;
  jwtSecret: string;
  loginLimiter: RequestHandler;
}): Route[] {
  const login = route({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    tag: 'auth',
    summary: 'Exchange username and password for a bearer token (8 hours)',
    auth: 'public',
    before: [options.loginLimiter],
    body: { json: loginBodySchema },
    responses: { 200: { description: 'Token issued', schema: loginResponseSchema } },
    errors: [400, 401],
    handle: async ({ req }) => {
      const raw: unknown = req.body;
      const body = parse(loginBodySchema, raw);
      const user = await options.users.authenticate(body.username, body.password);
      if (!user) throw new AppError('UNAUTHENTICATED', 'invalid username or password');
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
