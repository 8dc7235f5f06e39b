import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  mayManageResidentKeys,
  mayIssueInvoices,
  MspId,
  RESIDENT_ID,
  ROLES,
  textProblem,
  UNIT_NAME_MAX,
} from '@hdt/vocabulary';
import type { User } from './roles';

/**
 * Demo users. The file given by DEMO_USERS_FILE holds plain demo passwords (it is demo data,
 * documented as such); they are replaced by scrypt hashes as soon as the file is loaded and the
 * clear text is not kept.
 */
/** Free text under the vocabulary's text rule, as the chaincode applies it. */
function text(max: number) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = textProblem(value, 1, max);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });
}

const DEPARTMENT_MAX = 64;

const demoUserFields = z.object({
  // A user name is recorded on chain as the acting user (vocabulary ACTOR), so it starts with a letter or digit.
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  password: z.string().min(8, { error: 'must be at least 8 characters' }).max(256),
  displayName: z.string().trim().min(1).max(128),
  mspId: z.enum(MspId),
  role: z.enum(ROLES),
  // The issuing unit of a clerk's invoices: the vocabulary's text rule, as the chaincode applies it.
  unit: text(UNIT_NAME_MAX).optional(),
  // A resident's pseudonymous id; the resident's signed operations must name it.
  residentId: z.string().regex(RESIDENT_ID, { error: 'must be 64 lowercase hexadecimal characters' }).optional(),
  department: text(DEPARTMENT_MAX).optional(),
});

type DemoUser = z.infer<typeof demoUserFields>;

/**
 * A resident has a resident id, and belongs to the organisation whose identity submits their
 * transactions: one that may register residents' keys. A doctor has a department, at a hospital.
 */
function roleProblems(user: DemoUser): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const resident = user.role === 'resident';
  if (resident !== (user.residentId !== undefined)) {
    problems.push({ path: 'residentId', message: resident ? 'is required for a resident' : 'is for residents only' });
  }
  if (resident && !mayManageResidentKeys(user.mspId)) {
    problems.push({ path: 'mspId', message: 'of a resident must be the health commission or a hospital' });
  }
  const doctor = user.role === 'doctor';
  if (doctor !== (user.department !== undefined)) {
    problems.push({ path: 'department', message: doctor ? 'is required for a doctor' : 'is for doctors only' });
  }
  if (doctor && !mayIssueInvoices(user.mspId))
    problems.push({ path: 'mspId', message: 'of a doctor must be a hospital' });
  return problems;
}

const demoUserSchema = demoUserFields.superRefine((user, ctx) => {
  for (const { path, message } of roleProblems(user)) ctx.addIssue({ code: 'custom', path: [path], message });
});

const demoUsersSchema = z.array(demoUserSchema).min(1, { error: 'must list at least one user' });

const SCRYPT_KEYLEN = 32;
const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function scryptAsync(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEYLEN, SCRYPT_PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function userOf(entry: DemoUser): User {
  const { username, displayName, mspId, role, unit, residentId, department } = entry;
  return {
    username,
    displayName,
    mspId,
    role,
    ...(unit === undefined ? {} : { unit }),
    ...(residentId === undefined ? {} : { residentId }),
    ...(department === undefined ? {} : { department }),
  };
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
    const residents = new Set<string>();
    for (const entry of parsed.data) {
      if (byName.has(entry.username)) throw new Error(`invalid demo users file: duplicate username ${entry.username}`);
      if (entry.residentId !== undefined && residents.has(entry.residentId)) {
        throw new Error(`invalid demo users file: two users for resident ${entry.residentId}`);
      }
      if (entry.residentId !== undefined) residents.add(entry.residentId);
      const salt = randomBytes(16);
      byName.set(entry.username, { user: userOf(entry), salt, hash: await scryptAsync(entry.password, salt) });
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
