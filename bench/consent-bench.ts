/**
 * Consent grant benchmark against the running platform: consent:Grant transactions submitted with
 * fabric-gateway as the health commission (the organisation a resident's gateway submits for), each
 * carrying a resident's SM2 signature that the chaincode verifies, at concurrency 1, 8 and 32;
 * beside, in the same run and chaincode, the rate of a no-op submit (the ceiling of any write).
 *
 * Residents are made for the run (random pseudonymous ids, keys registered first). Signatures are
 * made before the clock starts: a resident signs on the phone, not on the platform.
 *
 *   npm run bench:consent -- [--grants 200] [--out FILE]
 */
import { randomBytes } from 'node:crypto';
import type { Contract } from '@hyperledger/fabric-gateway';
import { canonicalJson, SM2_USER_ID } from '@hdt/vocabulary';
import { sm2 } from 'sm-crypto-v2';
import { connectionFile, gatewayFor } from '../tests/integration/stack';
import { measure, option, report, type Row, run } from './measure';

const GRANTS = option('grants', 200);
const LEVELS = [1, 8, 32];

interface Resident {
  residentId: string;
  privateKey: string;
  publicKey: string;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function signed(resident: Resident, payload: Record<string, unknown>): string {
  const signature = sm2.doSignature(canonicalJson(payload), resident.privateKey, {
    hash: true,
    der: true,
    userId: SM2_USER_ID,
  });
  return canonicalJson({ payload, signature });
}

function header(op: string, resident: Resident): Record<string, unknown> {
  return { op, v: 1, residentId: resident.residentId, nonce: hex(16), signedAt: new Date().toISOString() };
}

async function newResident(consent: Contract): Promise<Resident> {
  const keys = sm2.generateKeyPairHex();
  const resident = { residentId: hex(32), privateKey: keys.privateKey, publicKey: keys.publicKey };
  const payload = { ...header('resident-key.register', resident), publicKey: resident.publicKey };
  const input = JSON.parse(signed(resident, payload)) as Record<string, unknown>;
  await consent.submitTransaction('RegisterResidentKey', canonicalJson({ ...input, actor: 'bench.registrar' }));
  return resident;
}

function grantInput(resident: Resident, serial: number): string {
  const now = Date.now();
  const grant = {
    grantId: `bench-${serial}-${hex(4)}`,
    grantee: { mspId: 'Hospital2MSP', doctorId: 'h2.doctor' },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] },
    notBefore: new Date(now - 60_000).toISOString(),
    notAfter: new Date(now + 86_400_000).toISOString(),
    useLimit: null,
  };
  return signed(resident, { ...header('consent.grant', resident), keyVersion: 1, grant });
}

async function levels(consent: Contract, probe: Contract, residents: Resident[]): Promise<Row[]> {
  const rows: Row[] = [];
  let serial = 0;
  for (const concurrency of LEVELS) {
    rows.push(
      await measure('baseline: probe:Noop submit', GRANTS, concurrency, async () => {
        await probe.submitTransaction('Noop');
      }),
    );
    const inputs = Array.from({ length: GRANTS }, (_, i) => grantInput(residents[i % residents.length]!, serial++));
    rows.push(
      await measure('consent:Grant (SM2 verify in the chaincode)', GRANTS, concurrency, async (i) => {
        await consent.submitTransaction('Grant', inputs[i]!);
      }),
    );
  }
  return rows;
}

async function main(): Promise<void> {
  const conn = connectionFile();
  const commission = gatewayFor('HealthCommMSP');
  const network = commission.gateway.getNetwork(conn.channel);
  const consent = network.getContract(conn.chaincode, 'consent');
  const probe = network.getContract(conn.chaincode, 'probe');
  const residents: Resident[] = [];
  for (let i = 0; i < 16; i++) residents.push(await newResident(consent));
  const rows = await levels(consent, probe, residents);
  commission.gateway.close();
  commission.client.close();
  report(`npm run bench:consent -- --grants ${GRANTS}`, rows);
}

run(main);
