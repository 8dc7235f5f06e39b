import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors';
import type { Route } from './route';

/** `GET, HEAD, OPTIONS`: the declared methods, HEAD wherever GET is, and OPTIONS; sorted. */
export function allowedMethods(declared: Iterable<string>): string {
  const methods = new Set(['OPTIONS']);
  for (const method of declared) {
    methods.add(method.toUpperCase());
    if (method.toUpperCase() === 'GET') methods.add('HEAD');
  }
  return [...methods].sort().join(', ');
}

/** Answers OPTIONS with 204 and any other method with 405, both with the Allow header. */
function otherMethods(allow: string): RequestHandler {
  return (req, res, next) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; allowed: ${allow}`));
  };
}

/**
 * After the routes are mounted: a request to a declared path with a method no route of that
 * path declares answers 405 with `Allow` (OPTIONS: 204); unknown paths still fall through to 404.
 */
export function mountMethodFallbacks(router: Router, routes: readonly Route[]): void {
  const byPath = new Map<string, string[]>();
  for (const { doc } of routes) byPath.set(doc.path, [...(byPath.get(doc.path) ?? []), doc.method]);
  for (const [path, methods] of byPath) router.all(path, otherMethods(allowedMethods(methods)));
}
