import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MspId, ROLES } from '@hdt/vocabulary';
import type { User } from './roles';

/**
 * Demo users. The file given by DEMO_USERS_FILE holds plain demo passwords (it is demo data,
 * documented as such); they are replaced by scrypt hashes as soon as the file is loaded and the
 * clear text is not kept.
 */
const demoUserSchema = z.object({
  // A user name is recorded on chain as the acting user (vocabulary ACTOR), so it starts with a letter or digit.
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  password: z.string().min(8, { error: 'must be at least 8 characters' }).max(256),
  displayName: z.string().trim().min(1).max(128),
  mspId: z.enum(MspId),
  role: z.enum(ROLES),
  unit: z.string().trim().min(1).max(128).optional(),
});

const demoUsersSchema = z.array(demoUserSchema).min(1, { error: 'must list at least one user' });

const SCRYPT_KEYLEN = 32;
const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function scryptAsync(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEYLEN, SCRYPT_PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface Credential {
  user: User;
  salt: Buffer;
  hash: Buffer;
}

export class UserDirectory {
  private readonly byName: Map<string, Credential>;
  /** Compared against for unknown user names, so both paths cost one scrypt. */
  private readonly decoy: Credential;

  private constructor(byName: Map<string, Credential>, decoy: Credential) {
    this.byName = byName;
    this.decoy = decoy;
  }

  /** Builds the directory from the parsed content of a demo users file. */
  static async fromJson(value: unknown): Promise<UserDirectory> {
    const parsed = demoUsersSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
      throw new Error(`invalid demo users file: ${problems.join('; ')}`);
    }
    const byName = new Map<string, Credential>();
    for (const entry of parsed.data) {
      if (byName.has(entry.username)) throw new Error(`invalid demo users file: duplicate username ${entry.username}`);
      const salt = randomBytes(16);
      const user: User = {
        username: entry.username,
        displayName: entry.displayName,
        mspId: entry.mspId,
        role: entry.role,
        ...(entry.unit === undefined ? {} : { unit: entry.unit }),
      };
      byName.set(entry.username, { user, salt, hash: await scryptAsync(entry.password, salt) });
    }
    const decoySalt = randomBytes(16);
    const decoy: Credential = {
      user: { username: '', displayName: '', mspId: 'HealthCommMSP', role: 'admin' },
      salt: decoySalt,
      hash: await scryptAsync(randomBytes(32), decoySalt),
    };
    return new UserDirectory(byName, decoy);
  }

  static async fromFile(file: string): Promise<UserDirectory> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read demo users file: ${err instanceof Error ? err.message : String(err)}`);
    }
    return UserDirectory.fromJson(json);
  }

  get(username: string): User | undefined {
    return this.byName.get(username)?.user;
  }

  /** Returns the user when the password matches, otherwise undefined (same cost either way). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const known = this.byName.get(username);
    const credential = known ?? this.decoy;
    const candidate = await scryptAsync(password, credential.salt);
    const match = timingSafeEqual(candidate, credential.hash);
    return known && match ? known.user : undefined;
  }
}
