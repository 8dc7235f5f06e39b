/**
 * Resident consent through the gateway. Residents have no Fabric identity: their signed
 * operations are submitted with the identity of the organisation they belong to in the user
 * directory (the health commission, which runs the platform centre, in the demo), and the
 * chaincode believes them only because the resident's SM2 signature verifies. The gateway checks
 * that a resident acts on their own resident id only, and that doctors see grants naming them.
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson, SIGNATURE_MAX_AGE_SECONDS, SIGNED_OPERATIONS, SIGNING_VERSION } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { Committed } from '../../fabric/ledger-client';
import type { Logger } from '../../logger';
import type { NotificationService } from '../notifications';
import { canRecoverResidentKeys, type User } from '../auth/roles';
import type { ConsentLedger } from './ledger';
import type { ResidentPoliciesView } from './policy-schemas';
import type {
  ChangeBody,
  ConsentGrantView,
  GrantBody,
  RecoverKeyBody,
  PoliciesBody,
  RegisterKeyBody,
  ResidentKeyView,
  RevokeBody,
  RotateKeyBody,
  SigningRequest,
} from './schemas';

export interface ConsentServiceDeps {
  ledger: ConsentLedger;
  logger: Logger;
  /** Tells the resident of each change to their signing key or policies (a change they did not make stands out). */
  notifications?: Pick<NotificationService, 'notifyQuietly'>;
  /** The signing time of prepared payloads (tests). */
  clock?: () => Date;
  /** The nonce of prepared payloads when the device gives none (tests). */
  newNonce?: () => string;
}

export interface KeyStatus {
  registered: boolean;
  key?: ResidentKeyView;
}

export interface SigningPayload {
  payload: Record<string, unknown>;
  message: string;
  messageHex: string;
  signBefore: string;
}

interface Header {
  v: typeof SIGNING_VERSION;
  residentId: string;
  nonce: string;
  signedAt: string;
}

/** The resident id of a signed-in resident; anyone else may not act as a resident. */
export function residentOf(user: User): string {
  if (user.role !== 'resident' || user.residentId === undefined) {
    throw new AppError('FORBIDDEN', `only residents manage their keys and grants (${user.role})`);
  }
  return user.residentId;
}

/** A resident signs for their own resident id only. */
function requireOwn(user: User, residentId: string): void {
  if (residentOf(user) !== residentId) {
    throw new AppError('FORBIDDEN', 'payload.residentId is not the resident id of the signed-in resident');
  }
}

function requirePathGrant(grantId: string, payloadGrantId: string): void {
  if (grantId !== payloadGrantId) {
    throw new AppError('VALIDATION', `payload.grantId: must be the grant of the path, ${grantId}`);
  }
}

function asGrant({ result, txId }: Committed<ConsentGrantView>) {
  return { grant: result, txId };
}

export class ConsentService {
  private readonly clock: () => Date;
  private readonly newNonce: () => string;

  constructor(private readonly deps: ConsentServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newNonce = deps.newNonce ?? (() => randomBytes(16).toString('hex'));
  }

  async keyStatus(user: User): Promise<KeyStatus> {
    const key = await this.deps.ledger.readKey(user.mspId, residentOf(user));
    return key === undefined ? { registered: false } : { registered: true, key };
  }

  /** The signed-in resident registers their first key; the resident's organisation vouches for them. */
  async registerKey(user: User, body: RegisterKeyBody): Promise<{ key: ResidentKeyView; txId: string }> {
    requireOwn(user, body.payload.residentId);
    const { result, txId } = await this.deps.ledger.registerKey(user.mspId, { ...body, actor: user.username });
    this.deps.logger.info('resident key registered', { txId, keyVersion: result.keyVersion });
    return { key: result, txId };
  }

  async rotateKey(user: User, body: RotateKeyBody): Promise<{ key: ResidentKeyView; txId: string }> {
    requireOwn(user, body.payload.residentId);
    const { result, txId } = await this.deps.ledger.rotateKey(user.mspId, body);
    this.deps.logger.info('resident key rotated', { txId, keyVersion: result.keyVersion });
    await this.tell(
      result.residentId,
      'SIGNING_KEY_CHANGED',
      `Your signing key was replaced by version ${result.keyVersion} from your device`,
      txId,
    );
    return { key: result, txId };
  }

  /**
   * Counter staff of a hospital, or the platform centre's administrator, who checked the resident's
   * identity in person, replace the resident's lost key by the new one the resident's device made
   * and signed; the staff member is recorded as the actor, with the reason.
   */
  async recoverKey(user: User, body: RecoverKeyBody): Promise<{ key: ResidentKeyView; txId: string }> {
    if (!canRecoverResidentKeys(user)) {
      throw new AppError(
        'FORBIDDEN',
        `only hospital counter staff and platform administrators recover keys (${user.role})`,
      );
    }
    const { result, txId } = await this.deps.ledger.recoverKey(user.mspId, { ...body, actor: user.username });
    this.deps.logger.info('resident key recovered', { txId, keyVersion: result.keyVersion, mspId: user.mspId });
    const by = `${user.displayName} (${user.username}, ${user.mspId})`;
    await this.tell(
      result.residentId,
      'SIGNING_KEY_CHANGED',
      `Your lost signing key was replaced by version ${result.keyVersion}, recovered by ${by}: ${body.reason}`,
      txId,
    );
    return { key: result, txId };
  }

  async grant(user: User, body: GrantBody) {
    requireOwn(user, body.payload.residentId);
    return asGrant(await this.deps.ledger.grant(user.mspId, body));
  }

  async change(user: User, grantId: string, body: ChangeBody) {
    requirePathGrant(grantId, body.payload.grantId);
    requireOwn(user, body.payload.residentId);
    return asGrant(await this.deps.ledger.change(user.mspId, body));
  }

  async revoke(user: User, grantId: string, body: RevokeBody) {
    requirePathGrant(grantId, body.payload.grantId);
    requireOwn(user, body.payload.residentId);
    return asGrant(await this.deps.ledger.revoke(user.mspId, body));
  }

  async myGrants(user: User): Promise<ConsentGrantView[]> {
    return this.deps.ledger.listByResident(user.mspId, residentOf(user));
  }

  async myGrant(user: User, grantId: string): Promise<ConsentGrantView> {
    return this.deps.ledger.readGrant(user.mspId, residentOf(user), grantId);
  }

  /** The signed-in resident's narrowing of the general policies (the defaults at version 0). */
  async myPolicies(user: User): Promise<ResidentPoliciesView> {
    return this.deps.ledger.readPolicies(user.mspId, residentOf(user));
  }

  async setPolicies(user: User, body: PoliciesBody): Promise<{ preferences: ResidentPoliciesView; txId: string }> {
    requireOwn(user, body.payload.residentId);
    const { result, txId } = await this.deps.ledger.setPolicies(user.mspId, body);
    this.deps.logger.info('policy preferences set', { txId, version: result.version });
    await this.tell(
      result.residentId,
      'POLICIES_CHANGED',
      `Your general policies are now at version ${result.version}`,
      txId,
    );
    return { preferences: result, txId };
  }

  private async tell(
    residentId: string,
    type: 'SIGNING_KEY_CHANGED' | 'POLICIES_CHANGED',
    body: string,
    txId: string,
  ): Promise<void> {
    const title = type === 'SIGNING_KEY_CHANGED' ? 'Signing key changed' : 'General policies changed';
    await this.deps.notifications?.notifyQuietly(
      { residentId },
      { type, title, body, ref: { kind: 'transaction', id: txId } },
    );
  }

  /** A doctor's view: the grants naming them, and those to their whole institution. */
  async grantsToDoctor(user: User): Promise<ConsentGrantView[]> {
    if (user.role !== 'doctor')
      throw new AppError('FORBIDDEN', `only doctors see the grants naming them (${user.role})`);
    return this.deps.ledger.listByGrantee(user.mspId, user.mspId, user.username);
  }

  /** The payload to sign for `request`, and its canonical encoding: exactly the bytes to sign. */
  async signingPayload(user: User, request: SigningRequest): Promise<SigningPayload> {
    const signedAt = this.clock().toISOString();
    const nonce = request.nonce ?? this.newNonce();
    const header: Header = { v: SIGNING_VERSION, residentId: residentOf(user), nonce, signedAt };
    const payload = await this.payloadFor(user, request, header);
    const message = canonicalJson(payload);
    const signBefore = new Date(Date.parse(signedAt) + SIGNATURE_MAX_AGE_SECONDS * 1000).toISOString();
    return { payload, message, messageHex: Buffer.from(message, 'utf8').toString('hex'), signBefore };
  }

  private async payloadFor(user: User, request: SigningRequest, header: Header): Promise<Record<string, unknown>> {
    switch (request.op) {
      case SIGNED_OPERATIONS.REGISTER:
        if (await this.deps.ledger.readKey(user.mspId, header.residentId)) {
          throw new AppError('RESIDENT_KEY_EXISTS', 'you already have a registered key: rotate it instead');
        }
        return { op: request.op, ...header, publicKey: request.publicKey };
      case SIGNED_OPERATIONS.ROTATE:
      case SIGNED_OPERATIONS.RECOVER:
        return {
          op: request.op,
          ...header,
          keyVersion: await this.keyVersion(user),
          newPublicKey: request.newPublicKey,
        };
      case SIGNED_OPERATIONS.GRANT:
        return { op: request.op, ...header, keyVersion: await this.keyVersion(user), grant: request.grant };
      case SIGNED_OPERATIONS.CHANGE: {
        const { version } = await this.myGrant(user, request.grantId);
        const { grantId, terms } = request;
        return { op: request.op, ...header, keyVersion: await this.keyVersion(user), grantId, version, terms };
      }
      case SIGNED_OPERATIONS.REVOKE: {
        const { version } = await this.myGrant(user, request.grantId);
        return {
          op: request.op,
          ...header,
          keyVersion: await this.keyVersion(user),
          grantId: request.grantId,
          version,
        };
      }
      case SIGNED_OPERATIONS.POLICIES: {
        const { version } = await this.myPolicies(user);
        const keyVersion = await this.keyVersion(user);
        return { op: request.op, ...header, keyVersion, version, preferences: request.preferences };
      }
    }
  }

  private async keyVersion(user: User): Promise<number> {
    const key = await this.deps.ledger.readKey(user.mspId, residentOf(user));
    if (key === undefined) throw new AppError('RESIDENT_KEY_UNKNOWN', 'register a key first');
    return key.keyVersion;
  }
}
