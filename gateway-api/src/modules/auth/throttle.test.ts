import { addressKey, LoginThrottle } from './throttle';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A throttle on a clock the test moves. */
function throttled(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const throttle = new LoginThrottle({ ...options, now: () => now });
  return {
    throttle,
    advance: (ms: number) => {
      now += ms;
    },
    /** An attempt with a wrong password: the wait it was refused with, or 0 when it was admitted. */
    fail: (account: string, ip: string) => throttle.admit(account, ip).retryAfterMs,
    /** An attempt with the right password: 0 when admitted (and then succeeded), else the wait. */
    succeed: (account: string, ip: string) => {
      const wait = throttle.admit(account, ip).retryAfterMs;
      if (wait === 0) throttle.succeeded(account, ip);
      return wait;
    },
  };
}

describe('LoginThrottle', () => {
  it('allows 5 failures per account and IP, then doubles the wait from 1 s, never beyond 15 minutes', () => {
    const t = throttled();
    for (let i = 0; i < 5; i++) expect(t.fail('clerk1', '10.0.0.1')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const wait = t.fail('clerk1', '10.0.0.1');
      waits.push(wait);
      t.advance(wait);
      expect(t.fail('clerk1', '10.0.0.1')).toBe(0);
    }
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 8, 16].map((s) => s * SECOND));
    expect(Math.max(...waits)).toBe(15 * MINUTE);
  });

  it('does not count refused attempts, so hammering does not lengthen the wait', () => {
    const t = throttled();
    for (let i = 0; i < 5; i++) t.fail('clerk1', '10.0.0.1');
    expect(t.fail('clerk1', '10.0.0.1')).toBe(SECOND);
    t.advance(SECOND);
    expect(t.fail('clerk1', '10.0.0.1')).toBe(0);
    expect(t.fail('clerk1', '10.0.0.1')).toBe(2 * SECOND);
    for (let i = 0; i < 100; i++) t.fail('clerk1', '10.0.0.1');
    t.advance(1500);
    expect(t.fail('clerk1', '10.0.0.1')).toBe(500);
  });

  it('resets on a successful login', () => {
    const t = throttled();
    for (let i = 0; i < 5; i++) t.fail('clerk1', '10.0.0.1');
    expect(t.succeed('clerk1', '10.0.0.1')).toBeGreaterThan(0);
    t.advance(SECOND);
    expect(t.succeed('clerk1', '10.0.0.1')).toBe(0);
    for (let i = 0; i < 5; i++) expect(t.fail('clerk1', '10.0.0.1')).toBe(0);
  });

  it('forgets failures an hour after the last one', () => {
    const t = throttled();
    for (let i = 0; i < 8; i++) t.advance(t.fail('clerk1', '10.0.0.1'));
    t.advance(60 * MINUTE);
    for (let i = 0; i < 5; i++) expect(t.fail('clerk1', '10.0.0.1')).toBe(0);
  });

  it('keeps accounts and IPs apart', () => {
    const t = throttled();
    for (let i = 0; i < 5; i++) t.fail('clerk1', '10.0.0.1');
    expect(t.fail('clerk1', '10.0.0.1')).toBeGreaterThan(0);
    expect(t.fail('clerk2', '10.0.0.1')).toBe(0);
    expect(t.succeed('clerk1', '10.0.0.2')).toBe(0);
  });

  it('slows an account down after 20 failures from any addresses, waiting at most 60 s', () => {
    const t = throttled();
    for (let i = 0; i < 20; i++) expect(t.fail('clerk1', `10.0.1.${i}`)).toBe(0);
    expect(t.fail('clerk1', '10.0.2.1')).toBe(SECOND);
    for (let i = 0; i < 12; i++) t.advance(t.fail('clerk1', `10.0.3.${i}`));
    expect(t.fail('clerk1', '10.0.4.1')).toBe(60 * SECOND);
    t.advance(60 * SECOND);
    expect(t.succeed('clerk1', '10.0.4.1')).toBe(0);
  });

  it('does not let an attacker at one address keep a user at another address out for more than a minute', () => {
    const t = throttled();
    let longestWait = 0;
    let logins = 0;
    // A day: the attacker tries every second from 10.6.6.6; the user logs in every 3 hours from a
    // new address each time (never trusted before), retrying after the wait when refused.
    for (let second = 0; second < 24 * 60 * 60; second++) {
      t.fail('clerk1', '10.6.6.6');
      if (second % (3 * 3600) === 1800) {
        const ip = `10.0.0.${logins + 1}`;
        const wait = t.succeed('clerk1', ip);
        longestWait = Math.max(longestWait, wait);
        if (wait > 0) {
          t.advance(wait);
          expect(t.succeed('clerk1', ip)).toBe(0);
        }
        logins += 1;
      }
      t.advance(SECOND);
    }
    expect(logins).toBe(8);
    expect(longestWait).toBeLessThanOrEqual(60 * SECOND);
  });

  it('after a day of guessing from one address, a user elsewhere waits 60 s at worst', () => {
    const t = throttled();
    for (let second = 0; second < 24 * 60 * 60; second++) {
      t.fail('clerk1', '10.6.6.6');
      t.advance(SECOND);
    }
    // The worst moment: right after one of the attacker's guesses was admitted.
    while (t.fail('clerk1', '10.6.6.6') > 0) t.advance(SECOND);
    const wait = t.succeed('clerk1', '192.0.2.77');
    expect(wait).toBe(60 * SECOND);
    t.advance(wait);
    expect(t.succeed('clerk1', '192.0.2.77')).toBe(0);
    // The attacker still waits up to 15 minutes per guess.
    expect(t.fail('clerk1', '10.6.6.6')).toBeGreaterThan(10 * MINUTE);
  });

  it('exempts an address the account logged in from before from the per-account limit', () => {
    const t = throttled();
    expect(t.succeed('clerk1', '192.0.2.10')).toBe(0);
    // Many addresses fail on the account: others wait, the trusted address does not.
    for (let i = 0; i < 40; i++) t.fail('clerk1', `10.0.5.${i}`);
    expect(t.succeed('clerk1', '10.0.6.1')).toBeGreaterThan(0);
    expect(t.succeed('clerk1', '192.0.2.10')).toBe(0);
  });

  it('keeps a bounded number of entries, the oldest dropped first', () => {
    const t = throttled({ maxEntries: 10 });
    for (let i = 0; i < 5; i++) t.fail('victim', '10.0.0.1');
    for (let i = 0; i < 50; i++) t.fail(`user${i}`, '10.0.0.2');
    expect(t.throttle.size()).toBeLessThanOrEqual(30);
  });
});

describe('addressKey', () => {
  it('groups IPv6 addresses by /64 and reads IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:0001:0002::5')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });

  it('shares the per-address count within a /64', () => {
    const now = Date.now();
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 1; i <= 5; i++) throttle.admit('clerk1', `2001:db8::${i}`);
    expect(throttle.admit('clerk1', '2001:db8::99').retryAfterMs).toBe(SECOND);
  });
});
