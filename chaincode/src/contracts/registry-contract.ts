/**
 * Contract `registry`: the health commission records each member's official unit name and
 * allocates invoice code ranges; every member reads them.
 */
import { REGISTRY_CONTRACT, REGISTRY_EVENTS, type OrgProfile } from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { ErrorCode, chaincodeError } from '../domain/errors';
import { authoriseMember } from '../domain/orgs';
import {
  allocate,
  authoriseRegistryAuthority,
  newProfile,
  parseAllocateCodesJson,
  parseMemberMsp,
  parseSetOrgProfileJson,
} from '../domain/registry';
import { RegistryRepository } from '../ledger/registry-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

function authorityContext(ctx: Context): { mspId: string; txId: string; timestamp: string } {
  const mspId = ctx.clientIdentity.getMSPID();
  authoriseRegistryAuthority(mspId);
  return { mspId, ...currentTransaction(ctx.stub) };
}

function notRegistered(mspId: string): Error {
  return chaincodeError(ErrorCode.ORG_NOT_REGISTERED, `organisation ${mspId} has no profile in the registry`);
}

export class RegistryContract extends Contract {
  constructor() {
    super(REGISTRY_CONTRACT.name);
  }

  /** Records (or renames) a member's official unit name; its code ranges are kept. */
  @Transaction()
  @Returns('string')
  async SetOrgProfile(ctx: Context, input: string): Promise<string> {
    const parsed = parseSetOrgProfileJson(input);
    const tx = authorityContext(ctx);
    const registry = new RegistryRepository(ctx.stub);
    const profile = newProfile(parsed, await registry.get(parsed.mspId), tx);
    await registry.put(profile);
    emitEvent(ctx.stub, REGISTRY_EVENTS.PROFILE, profile);
    return canonicalJson(profile);
  }

  /** Allocates a range of invoice codes to a registered member; ranges never overlap. */
  @Transaction()
  @Returns('string')
  async AllocateCodes(ctx: Context, input: string): Promise<string> {
    const parsed = parseAllocateCodesJson(input);
    const tx = authorityContext(ctx);
    const registry = new RegistryRepository(ctx.stub);
    const profile = await registry.get(parsed.mspId);
    if (profile === undefined) throw notRegistered(parsed.mspId);
    const next = allocate(profile, parsed.range, await registry.all(), tx);
    await registry.put(next);
    emitEvent(ctx.stub, REGISTRY_EVENTS.ALLOCATION, next);
    return canonicalJson(next);
  }

  @Transaction(false)
  @Returns('string')
  async ReadOrg(ctx: Context, mspId: string): Promise<string> {
    const member = parseMemberMsp(mspId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const profile = await new RegistryRepository(ctx.stub).get(member);
    if (profile === undefined) throw notRegistered(member);
    return canonicalJson(profile);
  }

  @Transaction(false)
  @Returns('string')
  async ListOrgs(ctx: Context): Promise<string> {
    authoriseMember(ctx.clientIdentity.getMSPID());
    const profiles: OrgProfile[] = await new RegistryRepository(ctx.stub).all();
    return canonicalJson(profiles);
  }
}
