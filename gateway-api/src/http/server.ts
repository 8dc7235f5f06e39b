import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { HttpTimeouts } from '../config';

/**
 * Node checks the headers and request timeouts of open connections periodically (every 30 s by
 * default); checking every half headers timeout, at most every second, cuts a slow client off
 * close to its limit.
 */
function checkingInterval(timeouts: HttpTimeouts): number {
  return Math.max(25, Math.min(1000, Math.floor(timeouts.headersTimeoutMs / 2)));
}

/**
 * The HTTP server of the app, with limits on slow clients: a request whose headers, or whose whole
 * body, take longer than configured is answered 408 and its connection closed.
 */
export function createHttpServer(app: Express, timeouts: HttpTimeouts): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingInterval(timeouts),
    },
    app,
  );
  // Also set on the server itself, where every Node version reads it.
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  return server;
}

/** Starts listening; resolves once the server listens, rejects if it cannot (e.g. port in use). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
