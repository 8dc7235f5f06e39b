/**
 * Key-level endorsement: once issued, an invoice changes only with the endorsement of its
 * issuer's peer and of the health commission's peer, whatever the chaincode-level policy
 * (a majority) would allow. Each endorsing peer runs this contract, which checks who the caller
 * is; a coalition of other organisations' peers cannot change the invoice on its own.
 */
import { MspId } from '@hdt/vocabulary';
import { KeyEndorsementPolicy } from 'fabric-shim';

export const OVERSIGHT_MSP = MspId.HEALTH_COMMISSION;

/** The serialised policy "a peer of each of `mspIds`" (deduplicated, in the given order). */
export function peersOfEach(mspIds: readonly string[]): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...new Set(mspIds));
  return policy.getPolicy();
}

export function invoiceEndorsementPolicy(issuerMsp: string): Uint8Array {
  return peersOfEach([issuerMsp, OVERSIGHT_MSP]);
}
