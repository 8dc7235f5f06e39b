/**
 * Contract `access`: the ruling on each access to a health record, from the grant and the record
 * index on the ledger (the ledger decides, at the transaction time). Check answers it without
 * storing it; Decide keeps it under its request id, with a use counted on a use-limited grant.
 * And the anchors of the off-chain access log.
 */
import {
  ACCESS_CONTRACT,
  ACCESS_EVENTS,
  type AccessCheck,
  type AccessRuling,
  type ConsentGrant,
  type DecideAccessInput,
  type RecordIndex,
} from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { buildAnchor, checkReplay } from '../domain/access-anchor';
import {
  parseAnchorId,
  parseAnchorInputJson,
  parseDecideInputJson,
  parseRequestIdArgument,
} from '../domain/access-inputs';
import { countUse, ruleAccess } from '../domain/access-ruling';
import { ErrorCode, chaincodeError } from '../domain/errors';
import type { TxContext } from '../domain/invoice';
import { authoriseIssuer, authoriseMember } from '../domain/orgs';
import { AccessRepository } from '../ledger/access-repository';
import { GrantRepository } from '../ledger/consent-repository';
import { PolicyRepository } from '../ledger/policy-repository';
import { RecordRepository } from '../ledger/record-repository';
import { canonicalJson } from '../ledger/serialise';
import { currentTransaction, emitEvent } from '../ledger/transaction';

async function indexedRecord(ctx: Context, recordId: string): Promise<RecordIndex> {
  const record = await new RecordRepository(ctx.stub).get(recordId);
  if (record === undefined) throw chaincodeError(ErrorCode.RECORD_NOT_FOUND, `record ${recordId} is not indexed`);
  return record;
}

function hospitalTx(ctx: Context): TxContext {
  return { mspId: authoriseIssuer(ctx.clientIdentity.getMSPID()), ...currentTransaction(ctx.stub) };
}

/** The ruling for the calling hospital at the transaction time, with the grant it read (and the resident's preferences). */
async function rule(
  ctx: Context,
  input: DecideAccessInput,
  tx: TxContext,
): Promise<{ ruling: AccessRuling; grant: ConsentGrant | undefined }> {
  const record = await indexedRecord(ctx, input.recordId);
  const grant =
    input.grantId === null ? undefined : await new GrantRepository(ctx.stub).get(record.patientId, input.grantId);
  const { preferences } = await new PolicyRepository(ctx.stub).get(record.patientId);
  return { ruling: ruleAccess(input, { record, grant, preferences }, tx), grant };
}

export class AccessContract extends Contract {
  constructor() {
    super(ACCESS_CONTRACT.name);
  }

  /** A hospital asks for a record; allowed or refused, the ruling is stored and answered. */
  @Transaction()
  @Returns('string')
  async Decide(ctx: Context, input: string): Promise<string> {
    const parsed = parseDecideInputJson(input);
    const tx = hospitalTx(ctx);
    const access = new AccessRepository(ctx.stub);
    const earlier = await access.getRuling(parsed.requestId);
    if (earlier !== undefined) return canonicalJson(earlier);
    const { ruling, grant } = await rule(ctx, parsed, tx);
    if (grant !== undefined && ruling.allowed && ruling.basis === 'GRANT') {
      await new GrantRepository(ctx.stub).put(countUse(grant));
    }
    await access.putRuling(ruling);
    emitEvent(ctx.stub, ACCESS_EVENTS.DECIDE, ruling);
    return canonicalJson(ruling);
  }

  /** The ruling Decide would make at the proposal's time, stored nowhere (see AccessCheck). */
  @Transaction(false)
  @Returns('string')
  async Check(ctx: Context, input: string): Promise<string> {
    const parsed = parseDecideInputJson(input);
    const { ruling, grant } = await rule(ctx, parsed, hospitalTx(ctx));
    const countsUse = ruling.allowed && ruling.basis === 'GRANT' && grant?.useLimit !== null;
    const check: AccessCheck = { ruling, commitRequired: ruling.breakGlass || countsUse };
    return canonicalJson(check);
  }

  @Transaction(false)
  @Returns('string')
  async ReadDecision(ctx: Context, requestId: string): Promise<string> {
    const id = parseRequestIdArgument(requestId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const ruling = await new AccessRepository(ctx.stub).getRuling(id);
    if (ruling === undefined) throw chaincodeError(ErrorCode.ACCESS_DECISION_NOT_FOUND, `no access decision ${id}`);
    return canonicalJson(ruling);
  }

  /** A member anchors access records' leaves under their SM3 Merkle root; a replay answers the anchor on chain. */
  @Transaction()
  @Returns('string')
  async Anchor(ctx: Context, input: string): Promise<string> {
    const parsed = parseAnchorInputJson(input);
    const tx: TxContext = { mspId: authoriseMember(ctx.clientIdentity.getMSPID()), ...currentTransaction(ctx.stub) };
    const access = new AccessRepository(ctx.stub);
    const existing = await access.getAnchor(parsed.anchorId);
    if (existing !== undefined) return canonicalJson(checkReplay(existing, parsed));
    const anchor = buildAnchor(parsed, tx);
    await access.putAnchor(anchor);
    emitEvent(ctx.stub, ACCESS_EVENTS.ANCHOR, { ...anchor, accessIds: [], leaves: [] });
    return canonicalJson(anchor);
  }

  @Transaction(false)
  @Returns('string')
  async ReadAnchor(ctx: Context, anchorId: string): Promise<string> {
    const id = parseAnchorId(anchorId);
    authoriseMember(ctx.clientIdentity.getMSPID());
    const anchor = await new AccessRepository(ctx.stub).getAnchor(id);
    if (anchor === undefined) throw chaincodeError(ErrorCode.ACCESS_ANCHOR_NOT_FOUND, `no access anchor ${id}`);
    return canonicalJson(anchor);
  }

  @Transaction(false)
  @Returns('string')
  async ListAnchors(ctx: Context): Promise<string> {
    authoriseMember(ctx.clientIdentity.getMSPID());
    return canonicalJson(await new AccessRepository(ctx.stub).listAnchors());
  }
}
