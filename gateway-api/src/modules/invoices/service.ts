import { hmacSm3Hex, sm3Hex } from '@hdt/offchain-store';
import { canonicalJson, verdictOn, type InvoiceId } from '@hdt/vocabulary';
import { assertNewInvoiceOfOrg, type OrgRegistry } from './new-invoice';
import { z } from 'zod';
import { canIssueInvoices, type User } from '../auth/roles';
import type {
  InvoiceLedger,
  IssueInput,
  OnChainInvoice,
  VerifyOutcome,
  VerifyQuery,
} from '../../fabric/invoice-ledger';
import { AppError } from '../../errors';
import type { InvoiceContent, InvoiceData } from './schemas';
import { describe, type Logger } from '../../logger';
import type { DocumentFiles, IdempotencyStore, StoredDocument } from '../../ports';
import type { IssuanceRunner, PendingResult } from './issuance';
import type { Issuance } from './issuances';
import { checkCodeMatches, generateCheckCode, protectCheckCode, storedCheckCodeSchema } from './check-code';
import { CheckCodeDerivations, type Derivation, type Protection } from './check-code-cache';
import { matchesAnchoredCheckCode } from './anchored-check-code';
import type { Checked, CheckCodeGuard } from './check-code-guard';
import type { InvoiceRecords } from './records';
import { storedAnswer } from './idempotency';
import { fromStorageError } from './storage-errors';
import { readAnchoredDocument } from './documents';
import { readInvoiceContent } from './content';
import { toHistoryView, toInvoiceView, type HistoryEntryView, type InvoiceView } from './view';

export { CHECK_CODE_ALPHABET, generateCheckCode } from './check-code';

/**
 * Structured data as kept off chain: the posted invoice data plus the check code printed on
 * the invoice. This is where the check code lives off chain: inside the SM4-encrypted data
 * document (one data key per document), so the issuer can decrypt it to reprint the invoice,
 * and crypto-shredding that key erases it together with the personal data. The data digest on
 * chain covers it, so a verifier who supplies the data without `checkCode` gets it added from
 * the request (see `storedData`).
 */
export function storedData(data: Readonly<Record<string, unknown>>, checkCode: string): Record<string, unknown> {
  return Object.prototype.hasOwnProperty.call(data, 'checkCode') ? { ...data } : { ...data, checkCode };
}

/** SM3 of the canonical JSON of the stored structured data. */
export function dataDigestOf(data: Readonly<Record<string, unknown>>, checkCode: string): string {
  return sm3Hex(canonicalJson(storedData(data, checkCode)));
}

const issueResultSchema = z.object({
  code: z.string(),
  number: z.string(),
  checkCode: z.string(),
  issuingUnit: z.string(),
  txId: z.string(),
  status: z.string(),
  pdfDigest: z.string(),
  dataDigest: z.string(),
});
export type IssueResult = z.infer<typeof issueResultSchema>;

/**
 * Issued: on chain; pending: accepted, not yet on chain (the ordering service is unreachable).
 * `replayed` when an earlier identical request produced this issuance.
 */
export type IssueOutcome =
  | { kind: 'done'; result: IssueResult; replayed: boolean }
  | { kind: 'pending'; result: PendingResult; replayed: boolean };

export interface IssuanceView {
  code: string;
  number: string;
  state: Issuance['state'];
  attempts: number;
  lastError: string | null;
  txId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VerifyInput {
  code: string;
  number: string;
  checkCode: string;
  pdf?: Uint8Array | undefined;
  data?: Readonly<Record<string, unknown>> | undefined;
}

export interface InvoiceServiceDeps {
  ledger: InvoiceLedger;
  files: DocumentFiles;
  records: InvoiceRecords;
  idempotency: IdempotencyStore;
  /** Limits and records guesses of check codes. */
  guard: CheckCodeGuard;
  /** Key of the payer pseudonym (HMAC-SM3 of the payer's ID number). */
  issuerSecret: Uint8Array;
  /** PBKDF2-HMAC-SM3 iterations protecting the check codes of new invoices. */
  checkCodeIterations: number;
  /** Runs the steps of issuing (saga); shared with the recovery worker. */
  issuance: IssuanceRunner;
  /** The org registry on the ledger, to check a code is the clerk's before anything is stored. */
  registry: OrgRegistry;
  logger: Logger;
  newCheckCode?: () => string;
  /** Salts and confirmed derivations remembered for repeated checks; a fresh cache by default. */
  derivations?: CheckCodeDerivations;
}

const UNKNOWN: VerifyOutcome = { result: 'unknown', mismatches: [] };

/**
 * What a check of a check code reads first: the invoice (undefined when there is none) and whether
 * the guess is the check code anchored in its data (undefined when that data is not readable here).
 */
interface Lookup {
  read: OnChainInvoice | undefined;
  anchored: boolean | undefined;
}

const NOTHING: Lookup = { read: undefined, anchored: undefined };

/** Digests a verifier supplied besides the check code. */
interface SuppliedDigests {
  pdfDigest?: string | undefined;
  dataDigest?: string | undefined;
}

/** The summary that goes on chain: digests, content addresses, pseudonyms and the check code's hash. */
function ledgerInput(
  user: User,
  data: InvoiceData,
  derived: Pick<IssueInput, 'checkCodeSalt' | 'checkCodeIterations' | 'checkCodeHash' | 'payerPseudonym'>,
  docs: { data: StoredDocument; pdf: StoredDocument },
): IssueInput {
  return {
    code: data.code,
    number: data.number,
    checkCodeSalt: derived.checkCodeSalt,
    checkCodeIterations: derived.checkCodeIterations,
    checkCodeHash: derived.checkCodeHash,
    type: data.type,
    totalAmount: data.totalAmount,
    payment: data.payment,
    reimbursableAmount: data.reimbursableAmount,
    payerPseudonym: derived.payerPseudonym,
    dataDigest: docs.data.sm3,
    pdfDigest: docs.pdf.sm3,
    dataCid: docs.data.cid,
    pdfCid: docs.pdf.cid,
    actor: user.username,
  };
}

function dataDigestOrFail(data: Readonly<Record<string, unknown>>, checkCode: string): string {
  try {
    return dataDigestOf(data, checkCode);
  } catch (err) {
    throw new AppError('VALIDATION', 'data: cannot be represented as canonical JSON', { cause: err });
  }
}

/** Use cases of medical e-invoices: issue, verify, read, content, history and PDF retrieval. */
export class InvoiceService {
  private readonly newCheckCode: () => string;
  private readonly derivations: CheckCodeDerivations;

  constructor(private readonly deps: InvoiceServiceDeps) {
    this.newCheckCode = deps.newCheckCode ?? generateCheckCode;
    this.derivations = deps.derivations ?? new CheckCodeDerivations();
  }

  /**
   * Issues an invoice as a saga (see IssuanceRunner): nothing is stored before the checks the
   * ledger would make anyway (code allocated to the clerk's org, code+number new), then every
   * step is recorded before it runs. A repeated identical request (same user, same data and PDF)
   * gets the first issuance's answer, with or without an Idempotency-Key.
   */
  async issueInvoice(user: User, data: InvoiceData, pdf: Uint8Array, idempotencyKey?: string): Promise<IssueOutcome> {
    if (!canIssueInvoices(user)) {
      throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation issue invoices');
    }
    const pdfDigest = sm3Hex(pdf);
    const requestHash = sm3Hex(canonicalJson({ invoice: data, pdfDigest }));
    if (idempotencyKey === undefined) return this.issueOnce(user, data, pdf, { pdfDigest, requestHash });
    const { idempotency, logger } = this.deps;
    const scope = user.username;
    const begin = await idempotency.begin(scope, idempotencyKey, requestHash).catch((err: unknown) => {
      throw fromStorageError(err, 'idempotency check');
    });
    const replayed = storedAnswer(begin, issueResultSchema);
    if (replayed) return { kind: 'done', result: replayed, replayed: true };
    const key = { scope, key: idempotencyKey };
    try {
      return await this.issueOnce(user, data, pdf, { pdfDigest, requestHash, idempotency: key });
    } catch (err) {
      // While this request's issuance exists, the issuance answers the key; otherwise nothing holds it.
      const issuance = await this.deps.issuance.find(data.code, data.number).catch(() => undefined);
      const ours = issuance?.idempotency?.scope === scope && issuance.idempotency.key === idempotencyKey;
      if (begin.kind === 'new' && !ours) {
        await idempotency.abandon(scope, idempotencyKey).catch((abandonErr: unknown) => {
          logger.error('could not release idempotency key', { scope, error: describe(abandonErr) });
        });
      }
      throw err;
    }
  }

  private async issueOnce(
    user: User,
    data: InvoiceData,
    pdf: Uint8Array,
    request: { pdfDigest: string; requestHash: string; idempotency?: { scope: string; key: string } },
  ): Promise<IssueOutcome> {
    const existing = await this.deps.issuance.find(data.code, data.number);
    if (existing !== undefined) return this.repeated(existing, request);
    await this.precheck(user, data);
    const checkCode = this.newCheckCode();
    const protection = await protectCheckCode(data, checkCode, this.deps.checkCodeIterations);
    const payerPseudonym = hmacSm3Hex(this.deps.issuerSecret, data.payer.idNumber);
    const outcome = await this.deps.issuance.begin({
      code: data.code,
      number: data.number,
      owner: { username: user.username, mspId: user.mspId },
      requestHash: request.requestHash,
      idempotency: request.idempotency,
      checkCode,
      dataBytes: Buffer.from(canonicalJson(storedData(data, checkCode)), 'utf8'),
      pdf,
      pdfDigest: request.pdfDigest,
      ledgerInput: (docs) => ledgerInput(user, data, { ...protection, payerPseudonym }, docs),
    });
    if (outcome.kind === 'existing') return this.repeated(outcome.issuance, request);
    return { ...outcome, replayed: false };
  }

  /**
   * A second request for an invoice that has an issuance: a retry of the same request (same user,
   * Idempotency-Key and body) gets its answer, anything else 409.
   */
  private async repeated(
    issuance: Issuance,
    request: { requestHash: string; idempotency?: { scope: string; key: string } },
  ): Promise<IssueOutcome> {
    const sameKey =
      request.idempotency !== undefined &&
      issuance.idempotency?.scope === request.idempotency.scope &&
      issuance.idempotency.key === request.idempotency.key;
    if (!sameKey || issuance.requestHash !== request.requestHash) {
      throw new AppError('INVOICE_EXISTS', `invoice ${issuance.code}/${issuance.number} was already issued`);
    }
    return { ...(await this.deps.issuance.outcomeOf(issuance)), replayed: true };
  }

  /** The issuance of an invoice, for the issuing organisation's clerks. */
  async issuanceOf(user: User, code: string, number: string): Promise<IssuanceView> {
    const issuance = await this.deps.issuance.find(code, number);
    if (issuance === undefined || issuance.owner.mspId !== user.mspId) {
      throw new AppError('NOT_FOUND', `no issuance of invoice ${code}/${number} by ${user.mspId}`);
    }
    return {
      code: issuance.code,
      number: issuance.number,
      state: issuance.state,
      attempts: issuance.attempts,
      lastError: issuance.lastError ?? null,
      txId: issuance.anchor?.txId ?? null,
      createdAt: issuance.createdAt.toISOString(),
      updatedAt: issuance.updatedAt.toISOString(),
    };
  }

  /** What can be checked before anything is stored: the code is the org's, the invoice is new. */
  private precheck(user: User, data: InvoiceData): Promise<void> {
    return assertNewInvoiceOfOrg(this.deps.ledger, this.deps.registry, user.mspId, data);
  }

  /**
   * Authentic / tampered / unknown, comparing the digests of whatever the verifier supplied. The
   * check code is a guess: limited and, when wrong, recorded (CheckCodeGuard).
   */
  async verifyInvoice(user: User, input: VerifyInput): Promise<VerifyOutcome> {
    const { code, number, checkCode } = input;
    const digests: SuppliedDigests = {
      pdfDigest: input.pdf === undefined ? undefined : sm3Hex(input.pdf),
      dataDigest: input.data === undefined ? undefined : dataDigestOrFail(input.data, checkCode),
    };
    const knownRight = this.derivations.remembers({ code, number }, checkCode);
    // Read ahead while the guard records the attempt; nothing read is used before the guard allows it.
    const early = knownRight ? undefined : this.lookUp(user, { code, number }, checkCode);
    early?.catch(() => undefined);
    const guess = { user, code, number, via: 'verify' } as const;
    return this.deps.guard.guess(
      guess,
      async () => {
        const checked = await this.checkOnLedger(user, { code, number }, checkCode, digests, early);
        return { result: checked.result.verdict, failure: checked.failure };
      },
      knownRight,
    );
  }

  /**
   * Finds the check code's hash — remembered, from the anchored check code, or derived with the
   * invoice's salt and iteration count — and has the chaincode verify it on the user's own org's
   * peer. A guess compared with the anchored check code needs no second question to the peer: the
   * invoice it has just read from that peer gives the verdict (`verdictOn`, as the chaincode's).
   */
  private async checkOnLedger(
    user: User,
    id: InvoiceId,
    checkCode: string,
    digests: SuppliedDigests,
    early?: Promise<Lookup>,
  ): Promise<Checked<{ verdict: VerifyOutcome; read?: OnChainInvoice | undefined }>> {
    const remembered = this.derivations.remembers(id, checkCode) ? this.derivations.protectionOf(id) : undefined;
    const { read, anchored } = remembered === undefined ? await (early ?? this.lookUp(user, id, checkCode)) : NOTHING;
    const protection = remembered ?? read;
    if (protection === undefined) return { result: { verdict: UNKNOWN }, failure: 'no_such_invoice' };
    if (anchored === false) return { result: { verdict: UNKNOWN }, failure: 'wrong_check_code' };
    const { verdict, derivation } = await this.judge(
      user,
      { ...id, checkCode },
      protection,
      { read, anchored },
      digests,
    );
    if (verdict.result === 'unknown') return { result: { verdict }, failure: 'wrong_check_code' };
    derivation.confirm();
    return { result: { verdict, read } };
  }

  /** The verdict on a guess not known wrong: from the invoice read when it matched the anchored check code, else from the chaincode. */
  private async judge(
    user: User,
    guess: InvoiceId & { checkCode: string },
    protection: Protection,
    found: Lookup,
    digests: SuppliedDigests,
  ): Promise<{ verdict: VerifyOutcome; derivation: Derivation }> {
    const { code, number, checkCode } = guess;
    const { read, anchored } = found;
    if (anchored === true && read !== undefined) {
      const derivation = this.derivations.known({ code, number }, checkCode, protection, read.checkCodeHash);
      return { derivation, verdict: verdictOnRead(read, { code, number, checkCodeHash: derivation.hash, ...digests }) };
    }
    const derivation = await this.derivations.derive({ code, number }, checkCode, protection);
    const query = { code, number, checkCodeHash: derivation.hash, ...digests };
    return { derivation, verdict: await this.deps.ledger.verify(user.mspId, query) };
  }

  /** The invoice on the ledger, and whether `checkCode` is the check code anchored in its data. */
  private async lookUp(user: User, id: InvoiceId, checkCode: string): Promise<Lookup> {
    const read = await this.readProtection(user, id);
    const anchored = read === undefined ? undefined : await matchesAnchoredCheckCode(this.deps, read, checkCode);
    return { read, anchored };
  }

  /** The invoice from the ledger (its salt and iteration count remembered), or undefined when there is none. */
  private async readProtection(user: User, id: InvoiceId): Promise<OnChainInvoice | undefined> {
    const invoice = await this.deps.ledger.read(user.mspId, id.code, id.number).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'INVOICE_NOT_FOUND') return undefined;
      throw err;
    });
    if (invoice !== undefined) this.derivations.rememberProtection(id, invoice);
    return invoice;
  }

  async readInvoice(user: User, code: string, number: string): Promise<InvoiceView> {
    return toInvoiceView(await this.deps.ledger.read(user.mspId, code, number));
  }

  /** The invoice's current structured data, for a billing clerk of its issuer (see `readInvoiceContent`). */
  content(user: User, code: string, number: string): Promise<InvoiceContent> {
    return readInvoiceContent(this.deps, user, { code, number });
  }

  async history(user: User, code: string, number: string): Promise<HistoryEntryView[]> {
    const entries = await this.deps.ledger.history(user.mspId, code, number);
    if (entries.length === 0) throw new AppError('INVOICE_NOT_FOUND', `invoice ${code}/${number} does not exist`);
    return toHistoryView(entries);
  }

  /**
   * The check code of an invoice, for a billing clerk of the organisation that issued it (to
   * reprint it). It is read from the invoice's encrypted structured data, whose SM3 must be the
   * digest on chain, and must derive the check-code hash on chain.
   */
  async recoverCheckCode(
    user: User,
    code: string,
    number: string,
  ): Promise<{ code: string; number: string; checkCode: string }> {
    const { ledger } = this.deps;
    if (!canIssueInvoices(user)) {
      throw new AppError('FORBIDDEN', 'only billing clerks of a hospital organisation recover check codes');
    }
    const invoice = await ledger.read(user.mspId, code, number);
    if (invoice.issuerMsp !== user.mspId) {
      throw new AppError('FORBIDDEN', 'only the issuing organisation recovers the check code of an invoice');
    }
    const bytes = await readAnchoredDocument(this.deps, invoice, 'data');
    let stored: unknown;
    try {
      stored = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      throw new AppError('INTERNAL', 'stored structured data is not JSON', { cause: err });
    }
    const parsed = storedCheckCodeSchema.safeParse(stored);
    if (!parsed.success || !(await checkCodeMatches({ code, number }, parsed.data.checkCode, invoice))) {
      throw new AppError('INTERNAL', 'stored check code does not match the ledger');
    }
    return { code, number, checkCode: parsed.data.checkCode };
  }

  /**
   * The original PDF for whoever knows code, number and check code. The check code is verified
   * on chain first, as a guess (limited, recorded when wrong); a wrong one answers exactly like a
   * missing invoice, and the decrypted bytes must have the SM3 digest anchored on chain.
   */
  async downloadPdf(user: User, code: string, number: string, checkCode: string): Promise<Uint8Array> {
    const found = await this.deps.guard.guess({ user, code, number, via: 'pdf' }, async () => {
      const checked = await this.checkOnLedger(user, { code, number }, checkCode, {});
      const result = checked.failure === undefined ? { invoice: checked.result.read } : undefined;
      return { result, failure: checked.failure };
    });
    if (!found) throw new AppError('INVOICE_NOT_FOUND', 'no invoice with this code, number and check code');
    // The first download has just read the invoice to learn its salt; later ones read it here.
    const invoice = found.invoice ?? (await this.deps.ledger.read(user.mspId, code, number));
    return readAnchoredDocument(this.deps, invoice, 'pdf');
  }
}

/** The verdict on an invoice just read from the ledger, in the shape `invoice:Verify` answers. */
function verdictOnRead(read: OnChainInvoice, query: VerifyQuery): VerifyOutcome {
  const verdict = verdictOn(read, query);
  return { ...verdict, mismatches: [...verdict.mismatches] };
}
