import type { Request, RequestHandler } from 'express';
import type { Role } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import { canIssueInvoices, canRecoverResidentKeys, type User } from './roles';
import { verifyToken } from './tokens';
import type { UserDirectory } from './users';

const authenticated = new WeakMap<Request, User>();

/** The user that `authenticate` attached to the request. */
export function currentUser(req: Request): User {
  const user = authenticated.get(req);
  if (!user) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return user;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Requires `Authorization: Bearer <token>`. The token names the user; role and org come from the
 * directory, so a user removed from it loses access at once and a token cannot upgrade itself.
 */
export function authenticate(users: UserDirectory, secret: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match || match[1] === undefined) {
      next(new AppError('UNAUTHENTICATED', 'authorization: bearer token required'));
      return;
    }
    const claims = verifyToken(match[1], secret);
    const user = claims ? users.get(claims.sub) : undefined;
    if (!claims || !user || user.mspId !== claims.mspId || user.role !== claims.role) {
      next(new AppError('UNAUTHENTICATED', 'authorization: invalid or expired token'));
      return;
    }
    authenticated.set(req, user);
    next();
  };
}

/** Refuses (403) anyone whose role is not `role`, before the request body is looked at. */
export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    next(user.role === role ? undefined : new AppError('FORBIDDEN', `only a ${role} may do this (${user.role})`));
  };
}

/** Invoices are issued by billing clerks of a hospital org only. */
export const requireInvoiceIssuer: RequestHandler = (req, _res, next) => {
  const user = currentUser(req);
  if (!canIssueInvoices(user)) {
    next(new AppError('FORBIDDEN', `only billing clerks of a hospital organisation issue invoices (${user.mspId})`));
    return;
  }
  next();
};

/** Residents' lost keys are recovered by hospital counter staff and platform administrators only. */
export const requireKeyRecoverer: RequestHandler = (req, _res, next) => {
  const user = currentUser(req);
  if (!canRecoverResidentKeys(user)) {
    next(
      new AppError('FORBIDDEN', `only hospital counter staff and platform administrators recover keys (${user.role})`),
    );
    return;
  }
  next();
};
