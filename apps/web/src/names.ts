/** Vocabulary values named in the page language; a value the tables do not know is shown as it is. */
import { pick } from './i18n.js';
import { isKeyOf, type Label, ORG_LABELS, STATUS_LABELS } from './labels.js';

function named<K extends string>(table: Record<K, Label>, value: string): string {
  return isKeyOf(table, value) ? pick(table[value]) : value;
}

/** `医保局 (MedInsMSP)`. */
export function orgName(mspId: string): string {
  const name = named(ORG_LABELS, mspId);
  return name === mspId ? mspId : `${name} (${mspId})`;
}

export function statusName(status: string): string {
  return named(STATUS_LABELS, status);
}

export { named };
