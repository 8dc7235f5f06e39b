/**
 * One orderer (the Raft leader) and one peer down: invoices are still issued and verified.
 * The nodes are started again afterwards and the platform is healthy before the test ends.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  API_URL,
  eventually,
  invoiceData,
  issueViaApi,
  login,
  newInvoiceId,
  ROOT_DIR,
  run,
  samplePdf,
  STATE_DIR,
  verifyViaApi,
} from './stack';

jest.setTimeout(180_000);

/** The orderer currently leading the channel's Raft cluster, from the orderers' own logs. */
function raftLeader(): string {
  let latest: { at: string; id: number } | undefined;
  for (const name of ['orderer0', 'orderer1', 'orderer2']) {
    const text = readFileSync(path.join(STATE_DIR, 'logs', `${name}.log`), 'utf8');
    for (const m of text.matchAll(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+).*Raft leader changed: \d+ -> (\d+)/g)) {
      if (!latest || m[1]! > latest.at) latest = { at: m[1]!, id: Number(m[2]) };
    }
  }
  if (!latest || latest.id < 1) throw new Error('no Raft leader found in the orderer logs');
  // Consenter ids follow the order of the consenters in configtx.yaml: 1 -> orderer0 ...
  return `orderer${latest.id - 1}`;
}

async function health(): Promise<number> {
  try {
    return (await fetch(`${API_URL}/health`)).status;
  } catch {
    return 0;
  }
}

async function waitHealthy(seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while ((await health()) !== 200) {
    if (Date.now() > deadline) throw new Error(`platform not healthy after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('resilience', () => {
  const stopped: string[] = [];

  afterAll(async () => {
    if (stopped.length > 0) await run('bash', ['test-network/nodes.sh', 'start'], { cwd: ROOT_DIR });
    await waitHealthy(90);
  });

  test('with the Raft leader and one peer down, a hospital still issues and an insurer still verifies', async () => {
    const leader = raftLeader();
    stopped.push(leader, 'peer0.medins');
    await run('bash', ['-c', `. scripts/lib.sh; stop_bg ${stopped.join(' ')}`], { cwd: ROOT_DIR });

    const clerk = await login('h1.clerk');
    const insurer = await login('insurer.officer');
    const id = newInvoiceId();
    const pdf = samplePdf(`${id.code}-${id.number}`);
    const issued = await issueViaApi(clerk, invoiceData(id), pdf);
    const body = (await issued.json()) as { checkCode: string };
    expect({ status: issued.status, body }).toMatchObject({ status: 201 });

    // The insurer's peer commits the block a moment later when its orderer was the one stopped.
    const verified = await eventually(
      async () =>
        (await (await verifyViaApi(insurer, { ...id, checkCode: body.checkCode }, pdf)).json()) as { result: string },
      (v) => v.result !== 'unknown',
    );
    expect(verified).toMatchObject({ result: 'authentic', status: 'ISSUED' });
  });
});
