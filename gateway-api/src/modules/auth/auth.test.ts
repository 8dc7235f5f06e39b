import * as path from 'node:path';
import { EMERGENCY_DEPARTMENT } from '@hdt/vocabulary';
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
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], unit: 'Hospital\u202e' }])).rejects.toThrow(
      /0\.unit.*bidirectional controls/,
    );
    await expect(UserDirectory.fromJson([DEMO_USERS[0], DEMO_USERS[0]])).rejects.toThrow(/duplicate username clerk1/);
    await expect(UserDirectory.fromJson({})).rejects.toThrow(/invalid demo users file/);
  });

  it('binds residents to a resident id in a key authority, and doctors to a department at a hospital', async () => {
    const resident = { ...DEMO_USERS[0], username: 'res', mspId: 'HealthCommMSP', role: 'resident', unit: undefined };
    const residentId = 'e'.repeat(64);
    const users = await UserDirectory.fromJson([{ ...resident, residentId }]);
    expect(users.get('res')).toMatchObject({ role: 'resident', residentId });
    await expect(UserDirectory.fromJson([resident])).rejects.toThrow(/0\.residentId: is required for a resident/);
    await expect(UserDirectory.fromJson([{ ...resident, residentId, mspId: 'InsurerMSP' }])).rejects.toThrow(
      /0\.mspId/,
    );
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], residentId }])).rejects.toThrow(/residents only/);
    await expect(
      UserDirectory.fromJson([
        { ...resident, residentId },
        { ...resident, username: 'res2', residentId },
      ]),
    ).rejects.toThrow(/two users for resident/);
    const doctor = { ...DEMO_USERS[0], username: 'doc', role: 'doctor', unit: undefined };
    await expect(UserDirectory.fromJson([{ ...doctor, department: 'Emergency' }])).resolves.toBeDefined();
    await expect(UserDirectory.fromJson([doctor])).rejects.toThrow(/0\.department: is required for a doctor/);
    await expect(UserDirectory.fromJson([{ ...doctor, department: 'X', mspId: 'MedInsMSP' }])).rejects.toThrow(
      /0\.mspId/,
    );
    await expect(UserDirectory.fromJson([{ ...DEMO_USERS[0], department: 'X' }])).rejects.toThrow(/doctors only/);
  });

  it('reads the demo users file of the network', async () => {
    const users = await UserDirectory.fromFile(path.join(__dirname, '../../../../network/demo-users.json'));
    expect(users.get('resident.zhang')).toMatchObject({ role: 'resident', mspId: 'HealthCommMSP' });
    expect(users.get('h1.emergency')).toMatchObject({ role: 'doctor', department: EMERGENCY_DEPARTMENT });
    expect(users.get('h1.clerk')).toMatchObject({ role: 'billing_clerk' });
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
