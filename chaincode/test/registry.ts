/** A ledger whose registry has both hospitals registered with code ranges, as the network's bootstrap does. */
import { RegistryContract } from '../src/contracts/registry-contract';
import { UNIT_NAME } from './fixtures';
import { InMemoryLedger } from './in-memory-ledger';

export const HOSPITAL1_RANGE = { first: '31010100', last: '31010199' };
export const HOSPITAL2_RANGE = { first: '31020000', last: '31020099' };
export const HOSPITAL2_CODE = '31020001';
export const HOSPITAL2_UNIT = 'Zhujiajiao Community Health Service Centre';

const registry = new RegistryContract();

export async function register(ledger: InMemoryLedger, mspId: string, unitName: string, range?: object): Promise<void> {
  await ledger.invoke('HealthCommMSP', (ctx) => registry.SetOrgProfile(ctx, JSON.stringify({ mspId, unitName })));
  if (range !== undefined) {
    await ledger.invoke('HealthCommMSP', (ctx) => registry.AllocateCodes(ctx, JSON.stringify({ mspId, range })));
  }
}

export async function registeredLedger(): Promise<InMemoryLedger> {
  const ledger = new InMemoryLedger();
  await register(ledger, 'Hospital1MSP', UNIT_NAME, HOSPITAL1_RANGE);
  await register(ledger, 'Hospital2MSP', HOSPITAL2_UNIT, HOSPITAL2_RANGE);
  ledger.events.length = 0;
  return ledger;
}

/** Invoice keys only (the registry's keys left out). */
export function invoiceKeys(ledger: InMemoryLedger): string[] {
  return ledger.keys().filter((key) => key.startsWith('\u0000invoice\u0000'));
}
