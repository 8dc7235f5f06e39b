import { z } from 'zod';

/** Response schema of the health resource. */
const dependencyStateSchema = z.object({ state: z.enum(['up', 'down']), detail: z.string().optional() });
export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  dependencies: z.object({
    fabric: dependencyStateSchema,
    database: dependencyStateSchema,
    ipfs: dependencyStateSchema,
  }),
  pendingIssues: z
    .object({ count: z.number().int().min(0), oldestSince: z.string().nullable() })
    .nullable()
    .describe('Issues accepted and not yet finished (e.g. waiting for the ordering service); null when unknown'),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** The health resource's named schemas in the OpenAPI document. */
export const healthComponents = { Health: healthResponseSchema };
