import { Router } from 'express';
import type { HealthService } from './service';
import type { HealthResponse } from './schemas';

/** GET /health: 200 when Fabric, the database and IPFS are up, 503 otherwise. */
export function healthRouter(health: HealthService): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const report: HealthResponse = await health.check();
    res.set('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
