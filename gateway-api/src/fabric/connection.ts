import * as crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Contract, type Gateway, type Identity, type Network } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import { z } from 'zod';
import { nativeP256Signer } from './native-signer';

/** Per-org entry of the connection profile. Relative paths are relative to the profile file. */
export interface OrgConnection {
  peerEndpoint: string;
  hostOverride: string;
  tlsCaPath: string;
  certPath: string;
  keyPath: string;
}

export interface ConnectionProfile {
  channel: string;
  chaincode: string;
  orgs: Record<string, OrgConnection>;
}

const nonEmpty = z.string().trim().min(1);

const orgSchema = z.object({
  peerEndpoint: nonEmpty.regex(/^[^\s:/]+:\d{1,5}$/, { error: 'must be host:port' }),
  hostOverride: nonEmpty,
  tlsCaPath: nonEmpty,
  certPath: nonEmpty,
  keyPath: nonEmpty,
});

const profileSchema = z.object({
  channel: nonEmpty,
  chaincode: nonEmpty,
  orgs: z
    .record(nonEmpty.regex(/^[A-Za-z0-9.-]+$/, { error: 'must be an MSP id' }), orgSchema)
    .refine((orgs) => Object.keys(orgs).length > 0, { error: 'must list at least one org' }),
});

/** Validates a parsed connection profile and resolves its file paths against `baseDir`. */
export function parseConnectionProfile(value: unknown, baseDir: string): ConnectionProfile {
  const parsed = profileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid Fabric connection profile: ${problems.join('; ')}`);
  }
  const orgs: Record<string, OrgConnection> = {};
  for (const [mspId, org] of Object.entries(parsed.data.orgs)) {
    orgs[mspId] = {
      peerEndpoint: org.peerEndpoint,
      hostOverride: org.hostOverride,
      tlsCaPath: path.resolve(baseDir, org.tlsCaPath),
      certPath: path.resolve(baseDir, org.certPath),
      keyPath: path.resolve(baseDir, org.keyPath),
    };
  }
  return { channel: parsed.data.channel, chaincode: parsed.data.chaincode, orgs };
}

export async function loadConnectionProfile(file: string): Promise<ConnectionProfile> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Fabric connection profile ${path.basename(file)} is not valid JSON`);
  }
  return parseConnectionProfile(json, path.dirname(path.resolve(file)));
}

/** Deadlines of the gateway calls, in milliseconds. Submit covers a Raft leader election (5 s) after an orderer is lost. */
const DEADLINES_MS = {
  evaluate: 5_000,
  endorse: 15_000,
  submit: 20_000,
  commitStatus: 60_000,
} as const;

function deadline(ms: number): () => grpc.CallOptions {
  return () => ({ deadline: Date.now() + ms });
}

/** Gives the contract to use for a given org (the caller's org signs its own transactions). */
export interface ContractProvider {
  /** MSP ids this gateway holds an identity for. */
  mspIds(): string[];
  /** Contract bound to the org's identity, or undefined when the org is not configured. */
  contract(mspId: string, contractName: string): Contract | undefined;
  /**
   * Resolves once the org's gateway peer has committed the transaction (valid or not): a read
   * through that peer then sees its effect. Rejects when the org is not configured.
   */
  committedAt(mspId: string, txId: string, timeoutMs: number): Promise<void>;
}

/** An unsigned commit status request; the org's gateway signs it with its own identity when sent. */
function commitStatusRequest(channel: string, txId: string, identity: Identity): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(identity.mspId);
  serialized.setIdBytes(identity.credentials);
  const request = new gatewayProtos.CommitStatusRequest();
  request.setChannelId(channel);
  request.setTransactionId(txId);
  request.setIdentity(serialized.serializeBinary());
  const signed = new gatewayProtos.SignedCommitStatusRequest();
  signed.setRequest(request.serializeBinary());
  return signed.serializeBinary();
}

interface OrgGateway {
  client: grpc.Client;
  gateway: Gateway;
}

/** One gRPC client and one Gateway per org of the connection profile. */
export class FabricConnections implements ContractProvider {
  private readonly orgs: Map<string, OrgGateway>;
  private readonly profile: ConnectionProfile;

  private constructor(profile: ConnectionProfile, orgs: Map<string, OrgGateway>) {
    this.profile = profile;
    this.orgs = orgs;
  }

  static async open(profile: ConnectionProfile): Promise<FabricConnections> {
    const orgs = new Map<string, OrgGateway>();
    try {
      for (const [mspId, org] of Object.entries(profile.orgs)) {
        orgs.set(mspId, await openOrg(mspId, org));
      }
    } catch (err) {
      for (const opened of orgs.values()) closeOrg(opened);
      throw err;
    }
    return new FabricConnections(profile, orgs);
  }

  mspIds(): string[] {
    return [...this.orgs.keys()];
  }

  contract(mspId: string, contractName: string): Contract | undefined {
    const org = this.orgs.get(mspId);
    if (!org) return undefined;
    return org.gateway.getNetwork(this.profile.channel).getContract(this.profile.chaincode, contractName);
  }

  async committedAt(mspId: string, txId: string, timeoutMs: number): Promise<void> {
    const org = this.orgs.get(mspId);
    if (!org) throw new Error(`organisation ${mspId} has no ledger identity on this gateway`);
    const request = commitStatusRequest(this.profile.channel, txId, org.gateway.getIdentity());
    await org.gateway.newCommit(request).getStatus({ deadline: Date.now() + timeoutMs });
  }

  /** The channel as seen by the org's gateway peer, or undefined when the org is not configured. */
  network(mspId: string): Network | undefined {
    return this.orgs.get(mspId)?.gateway.getNetwork(this.profile.channel);
  }

  get chaincodeName(): string {
    return this.profile.chaincode;
  }

  close(): void {
    for (const org of this.orgs.values()) closeOrg(org);
    this.orgs.clear();
  }
}

async function openOrg(mspId: string, org: OrgConnection): Promise<OrgGateway> {
  const [tlsCa, certificate, keyPem] = await Promise.all([
    readFile(org.tlsCaPath),
    readFile(org.certPath),
    readFile(org.keyPath),
  ]);
  const client = new grpc.Client(org.peerEndpoint, grpc.credentials.createSsl(tlsCa), {
    'grpc.ssl_target_name_override': org.hostOverride,
  });
  try {
    const gateway = connect({
      client,
      identity: { mspId, credentials: certificate },
      signer: nativeP256Signer(crypto.createPrivateKey(keyPem)),
      hash: hash.none,
      evaluateOptions: deadline(DEADLINES_MS.evaluate),
      endorseOptions: deadline(DEADLINES_MS.endorse),
      submitOptions: deadline(DEADLINES_MS.submit),
      commitStatusOptions: deadline(DEADLINES_MS.commitStatus),
    });
    return { client, gateway };
  } catch (err) {
    client.close();
    throw err;
  }
}

function closeOrg(org: OrgGateway): void {
  org.gateway.close();
  org.client.close();
}
