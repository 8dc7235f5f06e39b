import jwt from 'jsonwebtoken';
import { DEMO_USERS, JWT_SECRET, PASSWORD, testUsers } from '../../../test/harness';
import { canIssueInvoices } from './roles';
import { issueToken, TOKEN_AUDIENCE, TOKEN_ISSUER, verifyToken } from './tokens';
import { UserDirectory } from './users';

describe('UserDirectory', () => {
  it('authenticates with the right password only', async () => {
    const users = await testUsers();
    expect(await users.authenticate('clerk1', PASSWORD)).toMatchObject({ username: 'clerk1', mspId: 'Hospital1MSP' });
    expect(await users.authenticate('clerk1', `${PASSWORD}!`)).toBeUndefined();
    expect(await users.authenticate('nobody', PASSWORD)).toBeUndefined();
  });

  it('does not keep the clear password', async () => {
    const users = await testUsers();
    expect(JSON.stringify(users.get('clerk1'))).not.toContain(PASSWORD);
  });

  it('rejects malformed files naming the field, and duplicates', async () => {
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], role: 'wizard' }])).rejects.toThrow(/0\.role/);
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], mspId: 'Org9MSP' }])).rejects.toThrow(/0\.mspId/);
    // The user name is the actor recorded on chain: it starts with a letter or digit.
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], username: '.clerk' }])).rejects.toThrow(/0\.username/);
    await expect(UserDirectory.fromJson([DEMO_USERS[0], DEMO_USERS[0]])).rejects.toThrow(/duplicate username clerk1/);
    await expect(UserDirectory.fromJson({})).rejects.toThrow(/invalid demo users file/);
  });
});

describe('tokens', () => {
  const user = { username: 'clerk1', displayName: 'C', mspId: 'Hospital1MSP', role: 'billing_clerk' } as const;

  it('round-trips an HS256 token valid for 8 hours', () => {
    const now = Date.parse('2025-03-01T00:00:00Z');
    const { token, expiresAt } = issueToken(user, JWT_SECRET, now);
    expect(expiresAt).toBe('2025-03-01T08:00:00.000Z');
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(verifyToken(issueToken(user, JWT_SECRET).token, JWT_SECRET)).toMatchObject({
      sub: 'clerk1',
      role: 'billing_clerk',
    });
  });

  it('rejects expired tokens, other secrets and other algorithms', () => {
    const expired = issueToken(user, JWT_SECRET, Date.now() - 9 * 3600 * 1000).token;
    expect(verifyToken(expired, JWT_SECRET)).toBeUndefined();
    expect(verifyToken(issueToken(user, 'another-secret-another-secret-0000').token, JWT_SECRET)).toBeUndefined();
    const none = jwt.sign({ mspId: 'Hospital1MSP', role: 'admin' }, null, {
      algorithm: 'none',
      subject: 'clerk1',
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
    expect(verifyToken(none, JWT_SECRET)).toBeUndefined();
  });
});

describe('roles', () => {
  it('lets only hospital billing clerks issue', () => {
    expect(canIssueInvoices({ username: 'a', displayName: 'a', mspId: 'Hospital2MSP', role: 'billing_clerk' })).toBe(
      true,
    );
    expect(canIssueInvoices({ username: 'a', displayName: 'a', mspId: 'MedInsMSP', role: 'billing_clerk' })).toBe(
      false,
    );
    expect(canIssueInvoices({ username: 'a', displayName: 'a', mspId: 'Hospital1MSP', role: 'admin' })).toBe(false);
  });
});
