import { type Route, route } from '../../http/route';
import { healthResponseSchema } from './schemas';
import type { HealthService } from './service';

/** GET /health: 200 when Fabric, the database and IPFS are up, 503 otherwise. */
export function healthRoutes(health: HealthService): Route[] {
  const check = route({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tag: 'system',
    summary: 'State of Fabric, the database and IPFS',
    auth: 'public',
    responses: {
      200: { description: 'All dependencies up', schema: healthResponseSchema },
      503: { description: 'At least one dependency down', schema: healthResponseSchema },
    },
    errors: [],
    handle: async () => {
      const report = await health.check();
      return { status: report.status === 'ok' ? 200 : 503, body: report, headers: { 'Cache-Control': 'no-store' } };
    },
  });
  return [check];
}
