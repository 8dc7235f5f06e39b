import { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { currentUser } from './middleware';
import type { User } from './roles';
import { issueToken } from './tokens';
import type { UserDirectory } from './users';
import { AppError } from '../../errors';
import { parse } from '../../http/parse';
import { loginBodySchema, userSchema } from './schemas';

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
export function authRouter(options: {
  users: UserDirectory;
  jwtSecret: string;
  loginLimiter: RequestHandler;
  authenticate: RequestHandler;
}): Router {
  const router = Router();

  router.post('/auth/login', options.loginLimiter, async (req, res) => {
    const raw: unknown = req.body;
    const body = parse(loginBodySchema, raw);
    const user = await options.users.authenticate(body.username, body.password);
    if (!user) throw new AppError('UNAUTHENTICATED', 'invalid username or password');
    const { token, expiresAt } = issueToken(user, options.jwtSecret);
    res.set('Cache-Control', 'no-store');
    res.json({ token, tokenType: 'Bearer', expiresAt, user: publicUser(user) });
  });

  router.get('/auth/me', options.authenticate, (req, res) => {
    res.json(publicUser(currentUser(req)));
  });

  return router;
}
