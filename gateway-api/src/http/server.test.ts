import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { harness } from '../../test/harness';
import { createHttpServer, listen } from './server';

const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 };

async function started(timeouts = SHORT): Promise<{ server: Server; port: number }> {
  const { app } = await harness();
  const server = createHttpServer(app, timeouts);
  await listen(server, 0, '127.0.0.1');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return { server, port: address.port };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes `first`, then `drip` every 50 ms until the server closes the connection. */
function slowClient(port: number, first: string, drip: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(first));
    const timer = setInterval(() => {
      if (socket.writable) socket.write(drip);
    }, 50);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the server never cut the slow client off'));
    }, 5_000);
  });
}

describe('the HTTP server', () => {
  it('applies the configured timeouts', async () => {
    const { app } = await harness();
    const server = createHttpServer(app, {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(60_000);
    expect(server.keepAliveTimeout).toBe(5_000);
  });

  it('cuts off a client that sends its headers too slowly (408, connection closed)', async () => {
    const { server, port } = await started();
    try {
      const { answer, closedAfterMs } = await slowClient(
        port,
        'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n',
        'X-Slow: 1\r\n',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAfterMs).toBeGreaterThanOrEqual(250);
      expect(closedAfterMs).toBeLessThan(4_000);
    } finally {
      await stop(server);
    }
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const { server, port } = await started();
    try {
      const head =
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{';
      const { answer, closedAfterMs } = await slowClient(port, head, ' ');
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAfterMs).toBeGreaterThanOrEqual(550);
      expect(closedAfterMs).toBeLessThan(4_500);
    } finally {
      await stop(server);
    }
  });
});
