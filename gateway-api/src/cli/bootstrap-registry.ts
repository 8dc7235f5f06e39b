/**
 * Brings the on-chain org registry up to the bootstrap file (network/registry.json): sets each
 * hospital's unit name and allocates its code ranges, as the health commission. Idempotent: what
 * the ledger already holds is left alone.
 * Usage: node dist/cli/bootstrap-registry.js REGISTRY_FILE FABRIC_CONNECTION_FILE
 */
import { readFileSync } from 'node:fs';
import { MspId, type CodeRange } from '@hdt/vocabulary';
import { z } from 'zod';
import { FabricConnections, loadConnectionProfile } from '../fabric/connection';
import { FabricLedgerClient } from '../fabric/ledger-client';
import { FabricRegistryLedger, type OrgProfileView } from '../fabric/registry-ledger';

const rangeSchema = z.object({ first: z.string(), last: z.string() });
const fileSchema = z.object({
  orgs: z.array(z.object({ mspId: z.string(), unitName: z.string(), codeRanges: z.array(rangeSchema) })),
});

const AUTHORITY = MspId.HEALTH_COMMISSION;

function hasRange(profile: OrgProfileView | undefined, range: CodeRange): boolean {
  return profile?.codeRanges.some((r) => r.first === range.first && r.last === range.last) ?? false;
}

async function main(file: string, connectionFile: string): Promise<void> {
  const wanted = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const fabric = await FabricConnections.open(await loadConnectionProfile(connectionFile));
  try {
    const registry = new FabricRegistryLedger(new FabricLedgerClient(fabric));
    const current = new Map((await registry.list(AUTHORITY)).map((profile) => [profile.mspId, profile]));
    for (const org of wanted.orgs) {
      let profile = current.get(org.mspId);
      if (profile?.unitName !== org.unitName) {
        profile = await registry.setProfile(AUTHORITY, { mspId: org.mspId, unitName: org.unitName });
        console.log(`registry: ${org.mspId} is "${org.unitName}"`);
      }
      for (const range of org.codeRanges) {
        if (hasRange(profile, range)) continue;
        profile = await registry.allocate(AUTHORITY, { mspId: org.mspId, range });
        console.log(`registry: codes ${range.first}..${range.last} allocated to ${org.mspId}`);
      }
    }
  } finally {
    fabric.close();
  }
}

const [registryFile, connectionFile] = process.argv.slice(2);
if (registryFile === undefined || connectionFile === undefined) {
  console.error('usage: bootstrap-registry REGISTRY_FILE FABRIC_CONNECTION_FILE');
  process.exit(2);
}
main(registryFile, connectionFile).catch((error: unknown) => {
  console.error(`registry bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
