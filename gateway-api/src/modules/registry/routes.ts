/** The org registry, read-only through the API: unit names and invoice code ranges. */
import { z } from 'zod';
import { type FabricRegistryLedger, orgProfileSchema } from '../../fabric/registry-ledger';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';

export function registryRoutes(registry: FabricRegistryLedger): Route[] {
  return [
    route({
      method: 'get',
      path: '/registry/orgs',
      operationId: 'listRegisteredOrgs',
      tag: 'invoices',
      summary: "Members' registered unit names and allocated invoice code ranges, as on chain",
      auth: 'bearer',
      responses: { 200: { description: 'Profiles', schema: z.object({ orgs: z.array(orgProfileSchema) }) } },
      errors: [401, 503],
      handle: async ({ req }) => ({ status: 200, body: { orgs: await registry.list(currentUser(req).mspId) } }),
    }),
  ];
}
