import { codeInRange, type CodeRange, type InvoiceId } from '@hdt/vocabulary';
import { AppError } from '../../errors';
import type { InvoiceLedger } from '../../fabric/invoice-ledger';

/** Chaincode or gateway verdicts after which the transaction certainly did not reach the ledger. */
export const DEFINITELY_NOT_WRITTEN: ReadonlySet<string> = new Set([
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'INVOICE_EXISTS',
  'CODE_NOT_ALLOCATED',
  'ORG_NOT_REGISTERED',
  'CONFLICT',
  'VALIDATION',
]);

export interface OrgRegistry {
  read(mspId: string, member: string): Promise<{ codeRanges: readonly CodeRange[] }>;
}

/**
 * What the ledger would check anyway, checked before anything is stored: the code is allocated to
 * the caller's org in the registry, and no invoice with this code and number is on chain.
 */
export async function assertNewInvoiceOfOrg(
  ledger: Pick<InvoiceLedger, 'read'>,
  registry: OrgRegistry,
  mspId: string,
  id: InvoiceId,
): Promise<void> {
  const profile = await registry.read(mspId, mspId);
  if (!profile.codeRanges.some((range) => codeInRange(id.code, range))) {
    throw new AppError('CODE_NOT_ALLOCATED', `invoice code ${id.code} is not allocated to ${mspId}`);
  }
  const onChain = await ledger.read(mspId, id.code, id.number).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'INVOICE_NOT_FOUND') return undefined;
    throw err;
  });
  if (onChain !== undefined) throw new AppError('INVOICE_EXISTS', `invoice ${id.code}/${id.number} was already issued`);
}
