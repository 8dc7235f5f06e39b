/** The shapes of reconciliation reports and jobs, as the API answers them and the database keeps them. */
import { MSP_IDS } from '@hdt/vocabulary';
import { z } from 'zod';
import { DIVERGENCE_KINDS, type DivergenceKind } from './reconciliation';
import { RECONCILIATION_JOB_STATES } from './reconciliation-jobs';

const kinds = Object.keys(DIVERGENCE_KINDS) as [DivergenceKind, ...DivergenceKind[]];

export const reconciliationQuerySchema = z.object({
  issuer: z
    .enum(MSP_IDS as [string, ...string[]])
    .optional()
    .describe("The issuing organisation (MSP id); a billing clerk's own by default"),
});

export const reconciliationResponseSchema = z.object({
  issuerMsp: z.string(),
  checkedAt: z.string(),
  counts: z.object({
    records: z.number().int().min(0),
    ledgerInvoices: z.number().int().min(0),
    openIssuances: z.number().int().min(0),
  }),
  divergences: z.array(
    z.object({
      kind: z.enum(kinds).describe(
        Object.entries(DIVERGENCE_KINDS)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
      ),
      invoice: z.string().describe('code/number'),
      detail: z.string(),
    }),
  ),
  truncated: z.boolean().describe('More divergences exist than the 1,000 listed'),
});

export const orphanReportSchema = z.object({
  checkedAt: z.string(),
  pinned: z.number().int().min(0).describe('CIDs pinned on the IPFS node'),
  referenced: z.number().int().min(0).describe('CIDs the database refers to'),
  graceSeconds: z.number().int().min(0),
  orphans: z
    .array(z.object({ cid: z.string(), firstSeenAt: z.string() }))
    .describe('Pinned, referenced by nothing in the database, and seen so for longer than the grace period'),
  withinGrace: z.number().int().min(0).describe('Unreferenced, but seen so for less than the grace period'),
  truncated: z.boolean().describe('More orphans exist than the 1,000 listed'),
  orphanKeys: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Data keys not destroyed that nothing in the database names, older than the grace period'),
});

export const jobParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    .describe('The reconciliation job id'),
});

export const startJobBodySchema = z.strictObject({
  issuer: reconciliationQuerySchema.shape.issuer,
});

export const reconciliationJobSchema = z.object({
  id: z.string(),
  issuerMsp: z.string(),
  requestedBy: z.string(),
  state: z.enum(RECONCILIATION_JOB_STATES),
  progress: z.object({
    checked: z.number().int().min(0).describe('Records and invoice ids compared so far'),
    total: z.number().int().min(0).describe('How many there are to compare'),
  }),
  report: reconciliationResponseSchema.optional().describe('When completed'),
  orphans: orphanReportSchema.optional().describe('When completed: ciphertext in IPFS nothing refers to'),
  unpinned: z.array(z.string()).optional().describe('Orphans unpinned at a request, from this job'),
  lastError: z.string().describe('Why it failed; empty otherwise'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const unpinResponseSchema = z.object({
  unpinned: z.array(z.string()),
  kept: z.array(z.string()).describe('Referenced meanwhile, or no longer pinned: left alone'),
  keysDestroyed: z
    .array(z.string())
    .describe('Data keys nothing in the database names, older than the grace period: destroyed (crypto-shredding)'),
});
