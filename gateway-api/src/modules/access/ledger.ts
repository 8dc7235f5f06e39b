/**
 * Typed client of the `access` contract: the only code knowing its transaction names and how
 * their arguments are encoded. Chaincode refusals arrive as AppErrors carrying the chaincode's code.
 */
import {
  ACCESS_BASES,
  ACCESS_CONTRACT,
  ACCESS_POLICY_REFUSALS,
  ACCESS_REFUSALS,
  CONSENT_PURPOSES,
  HEALTH_RECORD_TYPES,
  canonicalJson,
  type AccessAnchor,
  type AccessCheck,
  type AccessRuling,
  type AnchorAccessLogInput,
  type DecideAccessInput,
} from '@hdt/vocabulary';
import { z } from 'zod';
import type { Committed, LedgerClient } from '../../fabric/ledger-client';

type AccessTransaction = keyof typeof ACCESS_CONTRACT.transactions;

function call(transaction: AccessTransaction, args: readonly string[]) {
  return { contract: ACCESS_CONTRACT.name, transaction, args };
}

const strings = z.array(z.string());

export const rulingSchema: z.ZodType<AccessRuling> = z.object({
  requestId: z.string(),
  recordId: z.string(),
  residentId: z.string(),
  recordType: z.enum(HEALTH_RECORD_TYPES),
  sourceOrg: z.string(),
  digest: z.string(),
  mspId: z.string(),
  userId: z.string(),
  purpose: z.enum(CONSENT_PURPOSES),
  requestedFields: strings,
  basis: z.enum(ACCESS_BASES),
  grantId: z.string().nullable(),
  breakGlass: z.boolean(),
  breakGlassReason: z.string().nullable(),
  allowed: z.boolean(),
  fields: strings,
  withheldFields: strings,
  reason: z.enum([...ACCESS_REFUSALS, ...ACCESS_POLICY_REFUSALS]).nullable(),
  txId: z.string(),
  timestamp: z.string(),
});

export const anchorSchema: z.ZodType<AccessAnchor> = z.object({
  anchorId: z.string(),
  accessIds: strings,
  leaves: strings,
  mspId: z.string(),
  count: z.number().int(),
  root: z.string(),
  txId: z.string(),
  timestamp: z.string(),
});

const checkSchema: z.ZodType<AccessCheck> = z.object({ ruling: rulingSchema, commitRequired: z.boolean() });

export interface AccessLedger {
  /** Evaluated as `mspId` against the committed state: the ruling now, stored nowhere. */
  check(mspId: string, input: DecideAccessInput): Promise<AccessCheck>;
  /** Submitted as `mspId`: the ruling is on chain once this answers. */
  decide(mspId: string, input: DecideAccessInput): Promise<Committed<AccessRuling>>;
  anchor(mspId: string, input: AnchorAccessLogInput): Promise<Committed<AccessAnchor>>;
  readAnchor(mspId: string, anchorId: string): Promise<AccessAnchor>;
  listAnchors(mspId: string): Promise<AccessAnchor[]>;
}

export class FabricAccessLedger implements AccessLedger {
  constructor(private readonly ledger: LedgerClient) {}

  check(mspId: string, input: DecideAccessInput): Promise<AccessCheck> {
    return this.ledger.evaluate(mspId, call('Check', [canonicalJson(input)]), checkSchema);
  }

  /** A retried submission whose first attempt landed stored the ruling under its request id. */
  decide(mspId: string, input: DecideAccessInput): Promise<Committed<AccessRuling>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const ruling = await this.ledger.evaluate(caller, call('ReadDecision', [input.requestId]), rulingSchema);
      return txIds.includes(ruling.txId) ? { result: ruling, txId: ruling.txId } : undefined;
    };
    return this.ledger.submit(mspId, call('Decide', [canonicalJson(input)]), rulingSchema, landed);
  }

  anchor(mspId: string, input: AnchorAccessLogInput): Promise<Committed<AccessAnchor>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const anchor = await this.readAnchor(caller, input.anchorId);
      return txIds.includes(anchor.txId) ? { result: anchor, txId: anchor.txId } : undefined;
    };
    return this.ledger.submit(mspId, call('Anchor', [canonicalJson(input)]), anchorSchema, landed);
  }

  readAnchor(mspId: string, anchorId: string): Promise<AccessAnchor> {
    return this.ledger.evaluate(mspId, call('ReadAnchor', [anchorId]), anchorSchema);
  }

  listAnchors(mspId: string): Promise<AccessAnchor[]> {
    return this.ledger.evaluate(mspId, call('ListAnchors', []), z.array(anchorSchema));
  }
}
