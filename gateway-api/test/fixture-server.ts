/**
 * Test fixture, never a deployment: the gateway API and the web pages (/app/) over the real
 * chaincode on an in-memory ledger and the fake off-chain store of the unit tests, listening on a
 * loopback port. For developing the pages and running tests/e2e without the platform:
 *
 *   npm run build && npm run fixture-server -w gateway-api     # PORT (default 18080)
 *   API_URL=http://127.0.0.1:18080 npm run test:e2e
 *
 * Users are the demo users (network/demo-users.json); the registry holds network/registry.json.
 * The ledger clock is the machine's, so lock expiry reads true in the pages. Everything is lost
 * when it stops.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { MspId } from '@hdt/vocabulary';
import type { Context } from 'fabric-contract-api';
import { InvoiceContract } from '../../chaincode/dist/contracts/invoice-contract';
import { RegistryContract } from '../../chaincode/dist/contracts/registry-contract';
import { composeServices, type Services } from '../src/compose';
import { FabricLedgerClient } from '../src/fabric/ledger-client';
import { buildApp } from '../src/http/app';
import { consoleLogger } from '../src/logger';
import { UserDirectory } from '../src/modules/auth/users';
import { FakeOffchain } from './fake-offchain';
import { ChaincodeNetwork, InMemoryContracts } from './in-memory-fabric';

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = '127.0.0.1';

type Run = (ctx: Context, args: readonly string[]) => Promise<string>;

/** Every transaction of the invoice and registry contracts, by name (the names do not clash). */
function transactions(): Record<string, Run> {
  const invoice = new InvoiceContract();
  const registry = new RegistryContract();
  const one =
    (run: (ctx: Context, input: string) => Promise<string>): Run =>
    (ctx, [a = '']) =>
      run(ctx, a);
  return {
    Issue: one((ctx, a) => invoice.Issue(ctx, a)),
    Update: one((ctx, a) => invoice.Update(ctx, a)),
    Lock: one((ctx, a) => invoice.Lock(ctx, a)),
    Reimburse: one((ctx, a) => invoice.Reimburse(ctx, a)),
    Unlock: one((ctx, a) => invoice.Unlock(ctx, a)),
    Void: one((ctx, a) => invoice.Void(ctx, a)),
    WriteOff: one((ctx, a) => invoice.WriteOff(ctx, a)),
    RedFlush: one((ctx, a) => invoice.RedFlush(ctx, a)),
    Read: (ctx, [a = '', b = '']) => invoice.Read(ctx, a, b),
    Verify: (ctx, [a = '', b = '', c = '', d = '', e = '']) => invoice.Verify(ctx, a, b, c, d, e),
    History: (ctx, [a = '', b = '']) => invoice.History(ctx, a, b),
    SetOrgProfile: one((ctx, a) => registry.SetOrgProfile(ctx, a)),
    AllocateCodes: one((ctx, a) => registry.AllocateCodes(ctx, a)),
    ReadOrg: one((ctx, a) => registry.ReadOrg(ctx, a)),
    ListOrgs: (ctx) => registry.ListOrgs(ctx),
  };
}

/** The chaincode network of the unit tests with both contracts, on the machine's clock. */
class FixtureChaincode extends ChaincodeNetwork {
  private readonly runs = transactions();

  override async run(mspId: string, name: string, args: readonly string[], txId: string): Promise<Uint8Array> {
    const run = this.runs[name];
    if (run === undefined) throw new Error(`INVALID_ARGUMENT: unknown function ${name}`);
    const seconds = Math.floor(Date.now() / 1000);
    const result = await this.ledger.invoke(mspId, (ctx) => run(ctx, args), { txId, seconds });
    return Buffer.from(result, 'utf8');
  }
}

const registryFileSchema = z.object({
  orgs: z.array(
    z.object({
      mspId: z.string(),
      unitName: z.string(),
      codeRanges: z.array(z.object({ first: z.string(), last: z.string() })),
    }),
  ),
});

/** Registers the hospitals and their code ranges, as the platform's bootstrap does. */
async function bootstrapRegistry(services: Services): Promise<void> {
  const file = registryFileSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'network', 'registry.json'), 'utf8')));
  for (const org of file.orgs) {
    await services.registry.setProfile(MspId.HEALTH_COMMISSION, { mspId: org.mspId, unitName: org.unitName });
    for (const range of org.codeRanges)
      await services.registry.allocate(MspId.HEALTH_COMMISSION, { mspId: org.mspId, range });
  }
}

async function main(): Promise<void> {
  const port = z.coerce
    .number()
    .int()
    .min(1024)
    .max(65535)
    .parse(process.env['PORT'] ?? '18080');
  const offchain = new FakeOffchain();
  const services = composeServices({
    ledger: new FabricLedgerClient(new InMemoryContracts(new FixtureChaincode()), { attempts: 3, baseDelayMs: 0 }),
    offchain,
    records: offchain.records,
    issuerSecret: randomBytes(32),
    logger: consoleLogger,
  });
  await bootstrapRegistry(services);
  const app = buildApp({
    config: { jwtSecret: randomBytes(32).toString('hex'), rateLimitPerMinute: 10_000, loginRateLimitPerMinute: 1_000 },
    services,
    users: await UserDirectory.fromFile(path.join(ROOT, 'network', 'demo-users.json')),
    logger: consoleLogger,
    webDir: path.join(ROOT, 'apps', 'web', 'dist'),
  });
  const server = app.listen(port, HOST, () =>
    consoleLogger.info('fixture gateway listening', { url: `http://${HOST}:${port}/app/` }),
  );
  const stop = (): void => void server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  consoleLogger.error('fixture gateway failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
