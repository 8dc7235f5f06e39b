import { InMemoryLedger } from '../../test/in-memory-ledger';
import { HOSPITAL1_RANGE, HOSPITAL2_UNIT, register, registeredLedger } from '../../test/registry';
import { RegistryContract } from './registry-contract';

const registry = new RegistryContract();

async function allocate(
  ledger: InMemoryLedger,
  mspId: string,
  range: object,
  caller = 'HealthCommMSP',
): Promise<string> {
  return ledger.invoke(caller, (ctx) => registry.AllocateCodes(ctx, JSON.stringify({ mspId, range })));
}

describe('registry', () => {
  it('records unit names and code ranges that every member reads', async () => {
    const ledger = await registeredLedger();
    const profile = JSON.parse(
      await ledger.invoke('InsurerMSP', (ctx) => registry.ReadOrg(ctx, 'Hospital2MSP')),
    ) as object;
    expect(profile).toMatchObject({
      mspId: 'Hospital2MSP',
      unitName: HOSPITAL2_UNIT,
      codeRanges: [{ first: '31020000', last: '31020099' }],
    });
    const all = JSON.parse(await ledger.invoke('Hospital1MSP', (ctx) => registry.ListOrgs(ctx))) as { mspId: string }[];
    expect(all.map((org) => org.mspId)).toEqual(['Hospital1MSP', 'Hospital2MSP']);
  });

  it('lets only the health commission change it', async () => {
    const ledger = new InMemoryLedger();
    for (const caller of ['Hospital1MSP', 'MedInsMSP', 'InsurerMSP']) {
      await expect(
        ledger.invoke(caller, (ctx) =>
          registry.SetOrgProfile(ctx, JSON.stringify({ mspId: 'Hospital1MSP', unitName: 'X' })),
        ),
      ).rejects.toThrow(/^FORBIDDEN: only the health commission may change the registry/);
    }
    await register(ledger, 'Hospital1MSP', 'X');
    await expect(allocate(ledger, 'Hospital1MSP', HOSPITAL1_RANGE, 'Hospital1MSP')).rejects.toThrow(/^FORBIDDEN: /);
  });

  it('refuses overlapping ranges, whoever holds them, and keeps ranges sorted', async () => {
    const ledger = await registeredLedger();
    await expect(allocate(ledger, 'Hospital2MSP', { first: '31010199', last: '31010300' })).rejects.toThrow(
      'CODE_RANGE_OVERLAP: codes 31010199..31010300 overlap 31010100..31010199 allocated to Hospital1MSP',
    );
    await expect(allocate(ledger, 'Hospital1MSP', { first: '31010150', last: '31010150' })).rejects.toThrow(
      /^CODE_RANGE_OVERLAP: /,
    );
    const next = JSON.parse(await allocate(ledger, 'Hospital1MSP', { first: '31000000', last: '31000009' })) as {
      codeRanges: unknown[];
    };
    expect(next.codeRanges).toEqual([{ first: '31000000', last: '31000009' }, HOSPITAL1_RANGE]);
  });

  it('validates inputs and refuses unregistered members', async () => {
    const ledger = await registeredLedger();
    await expect(allocate(ledger, 'Hospital1MSP', { first: '31000010', last: '31000009' })).rejects.toThrow(
      'INVALID_ARGUMENT: range.last must not be below range.first (31000010)',
    );
    await expect(allocate(ledger, 'NobodyMSP', { first: '1', last: '2' })).rejects.toThrow(
      /^INVALID_ARGUMENT: mspId must name a member of the consortium/,
    );
    await expect(allocate(ledger, 'InsurerMSP', { first: '40000000', last: '40000001' })).rejects.toThrow(
      'ORG_NOT_REGISTERED: organisation InsurerMSP has no profile in the registry',
    );
    await expect(ledger.invoke('InsurerMSP', (ctx) => registry.ReadOrg(ctx, 'MedInsMSP'))).rejects.toThrow(
      /^ORG_NOT_REGISTERED: /,
    );
  });

  it('keeps the code ranges when a unit is renamed', async () => {
    const ledger = await registeredLedger();
    await register(ledger, 'Hospital1MSP', 'Qingpu District Central Hospital (new campus)');
    const profile = JSON.parse(
      await ledger.invoke('InsurerMSP', (ctx) => registry.ReadOrg(ctx, 'Hospital1MSP')),
    ) as object;
    expect(profile).toMatchObject({
      unitName: 'Qingpu District Central Hospital (new campus)',
      codeRanges: [HOSPITAL1_RANGE],
    });
  });
});
