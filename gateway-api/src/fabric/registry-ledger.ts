/** Typed client of the `registry` contract. */
import {
  canonicalJson,
  INVOICE_CODE,
  REGISTRY_CONTRACT,
  type AllocateCodesInput,
  type SetOrgProfileInput,
} from '@hdt/vocabulary';
import { z } from 'zod';
import type { LedgerClient } from './ledger-client';

const code = z.string().regex(INVOICE_CODE);

export const orgProfileSchema = z.object({
  mspId: z.string(),
  unitName: z.string(),
  codeRanges: z.array(z.object({ first: code, last: code })),
  updatedAt: z.string(),
  lastTxId: z.string(),
});
export type OrgProfileView = z.infer<typeof orgProfileSchema>;

type RegistryTransaction = keyof typeof REGISTRY_CONTRACT.transactions;

function call(transaction: RegistryTransaction, args: readonly string[]) {
  return { contract: REGISTRY_CONTRACT.name, transaction, args };
}

export class FabricRegistryLedger {
  constructor(private readonly ledger: LedgerClient) {}

  list(mspId: string): Promise<OrgProfileView[]> {
    return this.ledger.evaluate(mspId, call('ListOrgs', []), z.array(orgProfileSchema));
  }

  /** The profile of `member` (ORG_NOT_REGISTERED when it has none), read as `mspId`. */
  read(mspId: string, member: string): Promise<OrgProfileView> {
    return this.ledger.evaluate(mspId, call('ReadOrg', [member]), orgProfileSchema);
  }

  async setProfile(mspId: string, input: SetOrgProfileInput): Promise<OrgProfileView> {
    return (await this.ledger.submit(mspId, call('SetOrgProfile', [canonicalJson(input)]), orgProfileSchema)).result;
  }

  async allocate(mspId: string, input: AllocateCodesInput): Promise<OrgProfileView> {
    return (await this.ledger.submit(mspId, call('AllocateCodes', [canonicalJson(input)]), orgProfileSchema)).result;
  }
}
