import { INVOICE_STATUSES, INVOICE_TYPES } from '@hdt/vocabulary';
import { z } from 'zod';
import {
  ISSUANCE_STATES,
  OPEN_ISSUANCE_STATES,
  type IssuanceAnchor,
  type IssuanceDocumentRef,
  type IssuanceModel,
  type IssuanceState,
} from './issuance-model';
import { invoiceRecordId } from './record-model';

/** One invoice's issuance as the saga sees it (see issuance-model.ts for the steps). */
export interface Issuance {
  id: string;
  code: string;
  number: string;
  state: IssuanceState;
  owner: { username: string; mspId: string };
  requestHash: string;
  idempotency?: { scope: string; key: string } | undefined;
  docBase: string;
  dataDoc?: IssuanceDocumentRef | undefined;
  pdfDoc?: IssuanceDocumentRef | undefined;
  ledgerInput?: string | undefined;
  anchor?: IssuanceAnchor | undefined;
  attempts: number;
  lastError?: string | undefined;
  lease: string;
  dueAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a step writes; `undefined` leaves a field as it is. */
export type IssuanceChanges = Partial<
  Pick<Issuance, 'state' | 'dataDoc' | 'pdfDoc' | 'ledgerInput' | 'anchor' | 'attempts' | 'lastError' | 'dueAt'>
>;

export interface IssuanceSummary {
  open: number;
  oldestOpenAt?: Date | undefined;
}

/** The durable log of issuances. Every write names the lease it runs under; a lost lease writes nothing. */
export interface Issuances {
  /** Records a new issuance; when one exists for the invoice already, returns it and writes nothing. */
  create(issuance: Issuance): Promise<Issuance | undefined>;
  find(code: string, number: string): Promise<Issuance | undefined>;
  /** Applies `changes` while `lease` still holds the issuance; false when it does not. */
  update(id: string, lease: string, changes: IssuanceChanges): Promise<boolean>;
  /** Removes a compensated issuance held under `lease`. */
  remove(id: string, lease: string): Promise<boolean>;
  /** Takes over one open issuance whose `dueAt` has passed, under a new lease until `until`. */
  claimDue(now: Date, lease: string, until: Date): Promise<Issuance | undefined>;
  summary(): Promise<IssuanceSummary>;
  /** Open issuances, oldest first. */
  listOpen(limit: number): Promise<Issuance[]>;
}

const refSchema = z.object({ cid: z.string(), sm3: z.string(), keyId: z.string(), size: z.number() });

const storedSchema = z.object({
  _id: z.string(),
  code: z.string(),
  number: z.string(),
  state: z.enum(ISSUANCE_STATES),
  owner: z.object({ username: z.string(), mspId: z.string() }),
  requestHash: z.string(),
  idempotency: z.object({ scope: z.string(), key: z.string() }).nullish(),
  docBase: z.string(),
  dataDoc: refSchema.nullish(),
  pdfDoc: refSchema.nullish(),
  ledgerInput: z.string().nullish(),
  anchor: z
    .object({
      txId: z.string(),
      issuerMsp: z.string(),
      issuingUnit: z.string(),
      status: z.enum(INVOICE_STATUSES),
      type: z.enum(INVOICE_TYPES),
      totalAmount: z.number(),
    })
    .nullish(),
  attempts: z.number(),
  lastError: z.string().nullish(),
  lease: z.string(),
  dueAt: z.date(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

function fromStored(raw: unknown): Issuance {
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`an issuance record has an unexpected shape: ${parsed.error.message}`);
  const { _id, idempotency, dataDoc, pdfDoc, ledgerInput, anchor, lastError, ...rest } = parsed.data;
  return {
    id: _id,
    ...rest,
    idempotency: idempotency ?? undefined,
    dataDoc: dataDoc ?? undefined,
    pdfDoc: pdfDoc ?? undefined,
    ledgerInput: ledgerInput ?? undefined,
    anchor: anchor ?? undefined,
    lastError: lastError ?? undefined,
  };
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** Drops undefined fields, so that `$set` leaves them as they are. */
function defined(changes: IssuanceChanges): Record<string, unknown> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

/** Issuances in the document database (collection `invoice_issuances`). */
export class MongoIssuances implements Issuances {
  constructor(private readonly model: IssuanceModel) {}

  async create(issuance: Issuance): Promise<Issuance | undefined> {
    const { id, ...rest } = issuance;
    try {
      await this.model.create({ _id: id, ...defined(rest) });
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.find(issuance.code, issuance.number);
    if (existing === undefined) throw new Error(`issuance ${id} exists and vanished; try again`);
    return existing;
  }

  async find(code: string, number: string): Promise<Issuance | undefined> {
    const raw: unknown = await this.model
      .findOne({ _id: invoiceRecordId(code, number) })
      .lean()
      .exec();
    return raw === null || raw === undefined ? undefined : fromStored(raw);
  }

  async update(id: string, lease: string, changes: IssuanceChanges): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: id, lease }, { $set: { ...defined(changes), updatedAt: new Date() } }, { runValidators: true })
      .exec();
    return result.matchedCount === 1;
  }

  async remove(id: string, lease: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id, lease }).exec();
    return result.deletedCount === 1;
  }

  async claimDue(now: Date, lease: string, until: Date): Promise<Issuance | undefined> {
    const raw: unknown = await this.model
      .findOneAndUpdate(
        { state: { $in: OPEN_ISSUANCE_STATES }, dueAt: { $lte: now } },
        { $set: { lease, dueAt: until, updatedAt: now } },
        { new: true, sort: { dueAt: 1 } },
      )
      .lean()
      .exec();
    return raw === null || raw === undefined ? undefined : fromStored(raw);
  }

  async summary(): Promise<IssuanceSummary> {
    const filter = { state: { $in: OPEN_ISSUANCE_STATES } };
    const [open, oldest] = await Promise.all([
      this.model.countDocuments(filter).exec(),
      this.model.findOne(filter).sort({ createdAt: 1 }).select({ createdAt: 1 }).lean().exec(),
    ]);
    return { open, oldestOpenAt: oldest?.createdAt };
  }

  async listOpen(limit: number): Promise<Issuance[]> {
    const rows: unknown[] = await this.model
      .find({ state: { $in: OPEN_ISSUANCE_STATES } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean()
      .exec();
    return rows.map(fromStored);
  }
}
