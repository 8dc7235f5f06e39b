/**
 * The EMPI audit trail's head on chain (`records:AnchorEmpiAudit`): each merge or split anchors
 * its new entry, whose chained hash vouches for every entry before it.
 */
import { canonicalJson, RECORDS_CONTRACT, type AnchorEmpiAuditInput, type EmpiAuditAnchor } from '@hdt/vocabulary';
import type { z } from 'zod';
import type { Committed, LedgerClient } from '../../fabric/ledger-client';
import { auditAnchorSchema } from './schemas';

export interface EmpiAuditAnchors {
  anchor(mspId: string, input: AnchorEmpiAuditInput): Promise<Committed<EmpiAuditAnchor>>;
  /** The anchored head, or null before the first anchor. */
  head(mspId: string): Promise<EmpiAuditAnchor | null>;
}

const call = (transaction: keyof typeof RECORDS_CONTRACT.transactions, args: readonly string[]) => ({
  contract: RECORDS_CONTRACT.name,
  transaction,
  args,
});

const headSchema: z.ZodType<EmpiAuditAnchor | null> = auditAnchorSchema.nullable();

export class FabricEmpiAnchors implements EmpiAuditAnchors {
  constructor(private readonly ledger: LedgerClient) {}

  /** A retried submission whose first attempt landed finds its head (or a later one) on chain. */
  anchor(mspId: string, input: AnchorEmpiAuditInput): Promise<Committed<EmpiAuditAnchor>> {
    const landed = async (caller: string, txIds: readonly string[]) => {
      const head = await this.head(caller);
      return head !== null && head.seq === input.seq && txIds.includes(head.txId)
        ? { result: head, txId: head.txId }
        : undefined;
    };
    return this.ledger.submit(mspId, call('AnchorEmpiAudit', [canonicalJson(input)]), auditAnchorSchema, landed);
  }

  head(mspId: string): Promise<EmpiAuditAnchor | null> {
    return this.ledger.evaluate(mspId, call('ReadEmpiAuditHead', []), headSchema);
  }
}

/** Anchors in memory, with the chaincode's rule: the head only moves forward. */
export class InMemoryEmpiAnchors implements EmpiAuditAnchors {
  current: EmpiAuditAnchor | null = null;
  private tx = 0;

  anchor(mspId: string, input: AnchorEmpiAuditInput): Promise<Committed<EmpiAuditAnchor>> {
    const head = this.current;
    if (head !== null && input.seq <= head.seq && !(input.seq === head.seq && input.hash === head.hash)) {
      return Promise.reject(new Error('EMPI_AUDIT_ANCHOR_CONFLICT'));
    }
    this.tx += 1;
    const txId = `empi-anchor-${this.tx}`;
    this.current = { ...input, mspId, txId, timestamp: new Date().toISOString() };
    return Promise.resolve({ result: this.current, txId });
  }

  head(): Promise<EmpiAuditAnchor | null> {
    return Promise.resolve(this.current);
  }
}
