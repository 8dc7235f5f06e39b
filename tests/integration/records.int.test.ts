/**
 * The health-record index end to end against the running consortium: a hospital registers a batch
 * of 200 record indices through the API; three records are proven against the batch root read
 * from the ledger with fabric-gateway; one is updated (its history shows both versions), one
 * retracted; a changed copy verifies as tampered; another hospital may not update a record it
 * does not own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson, merkleLeaf, verifyMerkleProof, type MerkleStep } from '@hdt/vocabulary';
import { API_URL, call, connectionFile, gatewayFor, login, type Json } from './stack';

jest.setTimeout(180_000);

const sm3 = (data: Uint8Array): Uint8Array => createHash('sm3').update(data).digest();
const sm3Hex = (data: string | Buffer): string => createHash('sm3').update(data).digest('hex');
const RUN = randomBytes(4).toString('hex');

function copyOf(recordId: string): Buffer {
  return Buffer.from(`discharge summary of ${recordId}: diagnosis, treatment, advice`, 'utf8');
}

function entry(i: number): Json {
  const recordId = `IT-${RUN}-${i}`;
  return {
    recordId,
    patientId: sm3Hex(`patient ${i % 17}`),
    encounterId: `ENC-${RUN}-${Math.floor(i / 3)}`,
    type: 'DISCHARGE_SUMMARY',
    recordedAt: new Date(Date.UTC(2026, 10, 20, 8) + i * 1000).toISOString(),
    digest: sm3Hex(copyOf(recordId)),
    classification: 3,
    pointer: `his://hospital1/records/${recordId}`,
  };
}

/** The batch as stored on the ledger, read with another organisation's identity. */
async function batchOnChain(batchId: string): Promise<{ root: string; txId: string }> {
  const conn = connectionFile();
  const insurer = gatewayFor('InsurerMSP');
  try {
    const contract = insurer.gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'records');
    const bytes = await contract.evaluateTransaction('ReadBatch', batchId);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as { root: string; txId: string };
  } finally {
    insurer.gateway.close();
    insurer.client.close();
  }
}

describe('health-record index', () => {
  const entries = Array.from({ length: 200 }, (_, i) => entry(i));
  const id = (i: number) => String(entries[i]?.recordId);
  let doctor: string;
  let insurer: string;
  let batchId: string;

  beforeAll(async () => {
    doctor = await login('h1.doctor');
    insurer = await login('insurer.officer');
    const registered = await call(doctor, 'POST', '/records/batches', { records: entries });
    expect(registered.status).toBe(201);
    expect(registered.body.rejected).toEqual([]);
    const batch = registered.body.batch as Json;
    expect(batch).toMatchObject({ count: 200, sourceOrg: 'Hospital1MSP' });
    batchId = String(batch.batchId);
  });

  it('proves three records against the batch root on chain', async () => {
    const onChain = await batchOnChain(batchId);
    expect(onChain.txId).toBe(batchId);
    for (const i of [0, 101, 199]) {
      const res = await call(insurer, 'GET', `/records/${id(i)}`);
      expect(res.status).toBe(200);
      const proof = res.body.proof as { leaf: string; steps: MerkleStep[]; root: string; verified: boolean };
      const leaf = merkleLeaf(sm3, canonicalJson({ ...entries[i], sourceOrg: 'Hospital1MSP' }));
      expect(proof.leaf).toBe(leaf);
      expect(proof.root).toBe(onChain.root);
      expect(verifyMerkleProof(sm3, leaf, proof.steps, onChain.root)).toBe(true);
      expect(proof.verified).toBe(true);
    }
  });

  it('updates a record with history, retracts another, reports a changed copy as tampered', async () => {
    const newCopy = Buffer.concat([copyOf(id(5)), Buffer.from(' (corrected)')]);
    const update = { digest: sm3Hex(newCopy), pointer: `his://hospital1/records/${id(5)}/v2`, reason: 'corrected' };
    expect((await call(doctor, 'POST', `/records/${id(5)}/update`, update)).status).toBe(200);
    const history = await fetch(`${API_URL}/records/${id(5)}/history`, {
      headers: { authorization: `Bearer ${insurer}` },
    });
    const versions = (await history.json()) as { value: { version: number; digest: string } }[];
    expect(versions.map((v) => [v.value.version, v.value.digest])).toEqual([
      [1, entries[5]?.digest],
      [2, update.digest],
    ]);
    const verifyNew = await call(insurer, 'POST', `/records/${id(5)}/verify`, {
      contentBase64: newCopy.toString('base64'),
    });
    expect(verifyNew.body.result).toBe('authentic');

    const retracted = await call(doctor, 'POST', `/records/${id(6)}/retract`, { reason: 'entered in error' });
    expect(retracted.body).toMatchObject({ status: 'RETRACTED', version: 2 });

    const tampered = Buffer.concat([copyOf(id(7)), Buffer.from('!')]);
    const verdict = await call(insurer, 'POST', `/records/${id(7)}/verify`, {
      contentBase64: tampered.toString('base64'),
    });
    expect(verdict.body.result).toBe('tampered');
    const authentic = await call(insurer, 'POST', `/records/${id(7)}/verify`, {
      contentBase64: copyOf(id(7)).toString('base64'),
    });
    expect(authentic.body.result).toBe('authentic');
  });

  it('refuses another hospital updating a record it does not own', async () => {
    const other = await login('h2.doctor');
    const update = { digest: sm3Hex('forged'), pointer: 'his://hospital2/forged', reason: 'not mine' };
    const refused = await call(other, 'POST', `/records/${id(8)}/update`, update);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('RECORD_NOT_OWNER');
  });
});
