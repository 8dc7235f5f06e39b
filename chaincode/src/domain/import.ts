/**
 * Bulk import of a hospital's historic invoices (migration). Each invoice of a batch passes the
 * rules of `Issue` (fields, amounts, a code allocated to the caller), keeps its original issue
 * time and is marked with the batch it came in. All or none: the first bad invoice refuses the
 * whole batch, and the refusal names its index (`invoices[3].payment.selfPay ...`).
 */
import {
  BATCH_ID,
  EARLIEST_ISSUE_TIME,
  IMPORT_BATCH_MAX,
  type ImportBatchInput,
  type ImportBatchResult,
  type ImportedInvoiceInput,
  type Invoice,
  type InvoiceId,
  type OrgProfile,
} from '@hdt/vocabulary';
import { ChaincodeError, ErrorCode, chaincodeError, invalidArgument } from './errors';
import {
  expectIsoTimestamp,
  expectPattern,
  expectRecord,
  expectString,
  rejectUnknownFields,
  requiredField,
} from './fields';
import {
  ISSUE_INPUT_FIELDS,
  MAX_INPUT_LENGTH,
  type TxContext,
  buildIssuedInvoice,
  decodeJsonArgument,
  parseActor,
  parseInvoiceCode,
  parseInvoiceNumber,
  parseIssuedFields,
} from './invoice';
import { issuingUnitFor } from './registry';

/** Room for IMPORT_BATCH_MAX invoices of about 0.8 kB each, with margin. */
export const MAX_BATCH_INPUT_LENGTH = IMPORT_BATCH_MAX * 2048;

export const IMPORTED_INVOICE_FIELDS = [
  ...ISSUE_INPUT_FIELDS.filter((field) => field !== 'actor'),
  'issuedAt',
] as const satisfies readonly (keyof ImportedInvoiceInput)[];

/** The same refusal, naming invoice `index` of the batch; other errors pass unchanged. */
export function atItem(index: number, error: unknown): unknown {
  if (!(error instanceof ChaincodeError)) return error;
  const item = `invoices[${index}]`;
  const detail = error.code === ErrorCode.INVALID_ARGUMENT ? `${item}.${error.detail}` : `${item}: ${error.detail}`;
  return chaincodeError(error.code, detail);
}

function eachItem<T, R>(items: readonly T[], work: (item: T, index: number) => R): R[] {
  return items.map((item, index) => {
    try {
      return work(item, index);
    } catch (error) {
      throw atItem(index, error);
    }
  });
}

function parseImportedInvoice(value: unknown, index: number): ImportedInvoiceInput {
  const record = expectRecord(value, `invoices[${index}]`);
  try {
    rejectUnknownFields(record, IMPORTED_INVOICE_FIELDS, '');
    return {
      ...parseIssuedFields(record),
      issuedAt: expectIsoTimestamp(requiredField(record, 'issuedAt', ''), 'issuedAt'),
    };
  } catch (error) {
    throw atItem(index, error);
  }
}

function idLabel(id: InvoiceId): string {
  return `${id.code}/${id.number}`;
}

/** Refuses a code + number that appears twice in the batch, naming the second occurrence. */
function refuseRepeats(invoices: readonly ImportedInvoiceInput[]): void {
  const seen = new Map<string, number>();
  invoices.forEach((invoice, index) => {
    const first = seen.get(idLabel(invoice));
    if (first !== undefined) {
      throw chaincodeError(
        ErrorCode.INVOICE_EXISTS,
        `invoices[${index}]: invoice ${idLabel(invoice)} appears twice in the batch (also invoices[${first}])`,
      );
    }
    seen.set(idLabel(invoice), index);
  });
}

/** Parses `ImportBatch`'s argument: batch id, actor and 1..IMPORT_BATCH_MAX distinct invoices. */
export function parseImportBatchJson(text: unknown): ImportBatchInput {
  const record = decodeJsonArgument(text, MAX_BATCH_INPUT_LENGTH);
  rejectUnknownFields(record, ['batchId', 'actor', 'invoices'], '');
  const batchId = expectPattern(
    requiredField(record, 'batchId', ''),
    'batchId',
    BATCH_ID,
    'a batch id of 1..64 letters, digits, ".", "_", ":" or "-"',
  );
  const actor = parseActor(requiredField(record, 'actor', ''));
  const list = requiredField(record, 'invoices', '');
  if (!Array.isArray(list) || list.length === 0 || list.length > IMPORT_BATCH_MAX) {
    throw invalidArgument('invoices', `must be an array of 1..${IMPORT_BATCH_MAX} invoices`);
  }
  const invoices = list.map((item: unknown, index) => parseImportedInvoice(item, index));
  refuseRepeats(invoices);
  return { batchId, actor, invoices };
}

/** A historic invoice's issue time: not before 1900 and before the importing transaction. */
export function checkOriginalIssueTime(issuedAt: string, now: string): void {
  if (issuedAt < EARLIEST_ISSUE_TIME) {
    throw invalidArgument('issuedAt', `must not be before ${EARLIEST_ISSUE_TIME}`);
  }
  if (issuedAt >= now) {
    throw invalidArgument('issuedAt', `must be before the time of the import (${now})`);
  }
}

/** The invoice one imported item becomes: as if issued at its original time, marked as imported. */
export function buildImportedInvoice(
  input: ImportedInvoiceInput,
  batch: Pick<ImportBatchInput, 'batchId' | 'actor'>,
  issuingUnit: string,
  tx: TxContext,
): Invoice {
  const issued = buildIssuedInvoice({ ...input, actor: batch.actor }, issuingUnit, tx);
  return {
    ...issued,
    issuedAt: input.issuedAt,
    lastOperation: { ...issued.lastOperation, operation: 'IMPORT' },
    migration: { batchId: batch.batchId, importedAt: tx.timestamp },
  };
}

/** Every invoice of the batch as it will be stored, each under a code allocated to the caller. */
export function buildImportedBatch(batch: ImportBatchInput, profile: OrgProfile | undefined, tx: TxContext): Invoice[] {
  return eachItem(batch.invoices, (input) => {
    const unit = issuingUnitFor(profile, tx.mspId, input.code);
    checkOriginalIssueTime(input.issuedAt, tx.timestamp);
    return buildImportedInvoice(input, batch, unit, tx);
  });
}

export function importResult(batch: ImportBatchInput, invoices: readonly Invoice[], tx: TxContext): ImportBatchResult {
  return {
    batchId: batch.batchId,
    issuerMsp: tx.mspId,
    issuingUnit: invoices[0]?.issuingUnit ?? '',
    count: invoices.length,
  };
}

/** `ReadBatch`'s argument: a JSON array of 1..IMPORT_BATCH_MAX {code, number}. */
export function parseInvoiceIdsJson(text: unknown): InvoiceId[] {
  const json = expectString(text, 'ids');
  if (json.length > MAX_INPUT_LENGTH) throw invalidArgument('ids', `must not exceed ${MAX_INPUT_LENGTH} characters`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(json);
  } catch {
    throw invalidArgument('ids', 'must be valid JSON');
  }
  if (!Array.isArray(decoded) || decoded.length === 0 || decoded.length > IMPORT_BATCH_MAX) {
    throw invalidArgument('ids', `must be an array of 1..${IMPORT_BATCH_MAX} invoice ids`);
  }
  return decoded.map((value: unknown, index) => {
    const path = `ids[${index}]`;
    const record = expectRecord(value, path);
    rejectUnknownFields(record, ['code', 'number'], path);
    return {
      code: parseInvoiceCode(requiredField(record, 'code', path), `${path}.code`),
      number: parseInvoiceNumber(requiredField(record, 'number', path), `${path}.number`),
    };
  });
}
