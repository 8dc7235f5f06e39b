/**
 * A guess of a check code checked against the check code the issuer anchored: the one inside the
 * invoice's structured data, whose SM3 is the data digest on chain (see `storedData`). This
 * platform holds the data key, so it answers a first verification with a read and a decryption
 * instead of a PBKDF2 derivation of about 23 ms of a core. Members who read only the ledger still
 * face the derivation for every code they try; the online guess is limited and recorded as before.
 */
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors';
import type { OnChainInvoice } from '../../fabric/invoice-ledger';
import { describe, type Logger } from '../../logger';
import { storedCheckCodeSchema } from './check-code';
import { type AnchoredDeps, readAnchoredDocument } from './documents';

export interface AnchoredCheckCodeDeps extends AnchoredDeps {
  logger: Logger;
}

/**
 * Whether `guess` is the anchored check code of `invoice`; undefined when this platform cannot
 * read the anchored data (not held here, storage unreachable, copy not the one on chain), and the
 * caller must derive the hash instead.
 */
export async function matchesAnchoredCheckCode(
  deps: AnchoredCheckCodeDeps,
  invoice: OnChainInvoice,
  guess: string,
): Promise<boolean | undefined> {
  let anchored: string | undefined;
  try {
    const bytes = await readAnchoredDocument(deps, invoice, 'data');
    anchored = storedCheckCodeSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8'))).data?.checkCode;
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) {
      deps.logger.warn('the anchored check code is unreadable; deriving the hash instead', {
        invoice: `${invoice.code}/${invoice.number}`,
        error: describe(err),
      });
    }
    return undefined;
  }
  if (anchored === undefined) return undefined;
  const expected = Buffer.from(anchored, 'utf8');
  const actual = Buffer.from(guess, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
