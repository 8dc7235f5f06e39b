import request from 'supertest';
import { z } from 'zod';
import { harness, JWT_SECRET, PASSWORD } from '../../../test/harness';
import { buildApp } from '../../http/app';
import { silentLogger } from '../../logger';
import { UserDirectory } from './users';
import { LoginThrottle } from './throttle';
import { API, errorBody } from '../../../test/api';

describe('auth', () => {
  it('logs in with the right password and returns a bearer token and the user', async () => {
    const h = await harness();
    const res = await request(h.app)
      .post(`${API}/auth/login`)
      .send({ username: 'clerk1', password: 'correct horse battery' });
    expect(res.status).toBe(200);
    const body = z
      .object({
        token: z.string(),
        tokenType: z.literal('Bearer'),
        expiresAt: z.string(),
        user: z.object({ username: z.string(), mspId: z.string(), role: z.string() }),
      })
      .parse(res.body);
    expect(body.user).toMatchObject({ username: 'clerk1', mspId: 'Hospital1MSP', role: 'billing_clerk' });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(7.9 * 3600 * 1000);

    const me = await request(h.app).get(`${API}/auth/me`).set('Authorization', `Bearer ${body.token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'clerk1' });
  });

  it('answers 401 for a wrong password or an unknown user, without telling which', async () => {
    const h = await harness();
    const wrong = await request(h.app).post(`${API}/auth/login`).send({ username: 'clerk1', password: 'nope-nope' });
    const unknown = await request(h.app).post(`${API}/auth/login`).send({ username: 'ghost', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(errorBody.parse(wrong.body)).toEqual(errorBody.parse(unknown.body));
    expect(errorBody.parse(wrong.body).code).toBe('UNAUTHENTICATED');
  });

  it('answers 400 naming the field when the login body is incomplete', async () => {
    const h = await harness();
    const res = await request(h.app).post(`${API}/auth/login`).send({ username: 'clerk1' });
    expect(res.status).toBe(400);
    expect(errorBody.parse(res.body)).toMatchObject({ code: 'VALIDATION' });
    expect(errorBody.parse(res.body).message).toContain('password');
  });

  it('rejects requests without a token, with a bad token, or with a forged one', async () => {
    const h = await harness();
    const none = await request(h.app).get(`${API}/invoices/31010125/0000000001`);
    expect(none.status).toBe(401);
    expect(errorBody.parse(none.body).code).toBe('UNAUTHENTICATED');

    const bad = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001`)
      .set('Authorization', 'Bearer abc.def.ghi');
    expect(bad.status).toBe(401);

    const token = await h.login('insurer1');
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    const res = await request(h.app)
      .get(`${API}/invoices/31010125/0000000001`)
      .set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
  });

  it('leaves health, openapi and login public', async () => {
    const h = await harness();
    expect((await request(h.app).get(`${API}/health`)).status).toBe(200);
    expect((await request(h.app).get(`${API}/openapi.json`)).status).toBe(200);
  });

  it('throttles failed logins per account: 429 with Retry-After, even for the right password, until the wait is over', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const h = await harness({ loginThrottle: new LoginThrottle({ now: () => now }) });
    const login = (username: string, password: string) =>
      request(h.app).post(`${API}/auth/login`).send({ username, password });
    for (let i = 0; i < 5; i++) expect((await login('clerk1', 'wrong-password')).status).toBe(401);
    const refused = await login('clerk1', PASSWORD);
    expect(refused.status).toBe(429);
    expect(errorBody.parse(refused.body).code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('1');
    // Another account is not affected.
    expect((await login('clerk2', PASSWORD)).status).toBe(200);
    now += 1000;
    expect((await login('clerk1', PASSWORD)).status).toBe(200);
    // The success reset the count.
    for (let i = 0; i < 5; i++) expect((await login('clerk1', 'wrong-password')).status).toBe(401);
  });

  it('tells a resident their resident id and a doctor their department, at login and from /auth/me', async () => {
    const h = await harness();
    const users = [
      { username: 'res', displayName: 'R', mspId: 'HealthCommMSP', role: 'resident', residentId: 'c'.repeat(64) },
      { username: 'doc', displayName: 'D', mspId: 'Hospital1MSP', role: 'doctor', department: 'Emergency' },
    ].map((user) => ({ ...user, password: PASSWORD }));
    const app = buildApp({
      config: { jwtSecret: JWT_SECRET, rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 10_000 },
      services: h.services,
      users: await UserDirectory.fromJson(users),
      logger: silentLogger,
    });
    const seen = async (username: string) => {
      const login = await request(app).post(`${API}/auth/login`).send({ username, password: PASSWORD }).expect(200);
      const { token, user } = z.object({ token: z.string(), user: z.unknown() }).parse(login.body);
      const me = await request(app).get(`${API}/auth/me`).set('Authorization', `Bearer ${token}`).expect(200);
      expect(me.body).toEqual(user);
      return me.body as unknown;
    };
    expect(await seen('res')).toEqual({
      username: 'res',
      displayName: 'R',
      mspId: 'HealthCommMSP',
      role: 'resident',
      residentId: 'c'.repeat(64),
    });
    expect(await seen('doc')).toMatchObject({ role: 'doctor', department: 'Emergency' });
    expect(await seen('doc')).not.toHaveProperty('residentId');
  });
});
