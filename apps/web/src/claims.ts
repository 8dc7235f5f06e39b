/** What the reimburser portal reads from its forms: claim ids, amounts, a suggested claim id. */
import { parseYuan } from './format.js';
import { t } from './i18n.js';
import { InputError } from './messages.js';

/** The claim id prefix of a payer: MI for the bureau, INS for an insurer. */
export function claimPrefix(mspId: string | undefined): string {
  return mspId === 'MedInsMSP' ? 'MI' : mspId === 'InsurerMSP' ? 'INS' : 'CLM';
}

/** A fresh claim id such as MI-20261130-4821; the officer may type the claim system's own instead. */
export function suggestClaimId(mspId: string | undefined, now: Date, random: number): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `${claimPrefix(mspId)}-${day}-${String(random % 10_000).padStart(4, '0')}`;
}

/** A positive amount typed in yuan, as fen. */
export function positiveAmount(text: string): number {
  const fen = parseYuan(text);
  if (fen === undefined) throw new InputError(() => t('invalid.amount', { field: t('field.amountYuan') }));
  if (fen <= 0) throw new InputError(() => t('invalid.positive', { field: t('field.amountYuan') }));
  return fen;
}
