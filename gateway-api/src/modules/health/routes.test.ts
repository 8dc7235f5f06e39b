import request from 'supertest';
import { harness } from '../../../test/harness';
import { API } from '../../../test/api';

describe('health', () => {
  it('reports degraded with 503 when a dependency is down', async () => {
    const h = await harness();
    h.offchain.health = {
      database: { state: 'up', detail: 'ok' },
      ipfs: { state: 'down', detail: 'ECONNREFUSED 127.0.0.1:5001' },
    };
    const res = await request(h.app).get(`${API}/health`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'degraded',
      dependencies: {
        fabric: { state: 'up', detail: 'ok' },
        database: { state: 'up', detail: 'ok' },
        ipfs: { state: 'down', detail: 'unreachable' },
      },
      pendingIssues: { count: 0, oldestSince: null },
    });
  });

  it('reports Fabric down when the peers do not answer', async () => {
    const h = await harness();
    for (let i = 0; i < 20; i++) h.chaincode.faults.push({ stage: 'evaluate', kind: 'unavailable' });
    const res = await request(h.app).get(`${API}/health`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ dependencies: { fabric: { state: 'down' } } });
  });
});
