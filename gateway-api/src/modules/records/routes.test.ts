import { createHash } from 'node:crypto';
import { verifyMerkleProof } from '@hdt/vocabulary';
import { z } from 'zod';
import { loggedIn, type Send } from '../../../test/api';
import { harness, type Harness } from '../../../test/harness';
import { batchOutcomeSchema, recordProofSchema, verifyResultSchema } from './schemas';
import { recordLeaf, sm3 } from './service';

const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');
const errorCode = (res: { body: unknown }) => z.object({ code: z.string() }).parse(res.body).code;

function entry(recordId: string): Record<string, unknown> {
  return {
    recordId,
    patientId: 'e5'.repeat(32),
    encounterId: 'ENC-1',
    type: 'DISCHARGE_SUMMARY',
    recordedAt: '2026-11-20T08:30:00.000Z',
    digest: sm3Hex(`copy of ${recordId}`),
    classification: 4,
    pointer: `his://hospital1/${recordId}`,
  };
}

let h: Harness;
let send: Send;

beforeAll(async () => {
  h = await harness();
  send = await loggedIn(h, ['clerk1', 'clerk2', 'insurer1', 'medclerk']);
  const records = Array.from({ length: 7 }, (_, i) => entry(`R-${i}`));
  const res = await send('clerk1', '/records/batches', { records });
  expect(res.status).toBe(201);
});

describe('the records resource', () => {
  it('answers a record with a proof that verifies against the batch root', async () => {
    const res = await send('insurer1', '/records/R-5');
    expect(res.status).toBe(200);
    const { record, proof } = recordProofSchema.parse(res.body);
    expect(proof.verified).toBe(true);
    expect(proof.leaf).toBe(recordLeaf(record));
    expect(verifyMerkleProof(sm3, proof.leaf, proof.steps, proof.root)).toBe(true);
    expect(proof.statement).toContain(`batch ${proof.batchId}`);
  });

  it('verifies a copy: the same bytes are authentic, changed bytes tampered', async () => {
    const copy = Buffer.from('copy of R-1').toString('base64');
    const same = await send('insurer1', '/records/R-1/verify', { contentBase64: copy });
    expect(verifyResultSchema.parse(same.body).result).toBe('authentic');
    const changed = Buffer.from('copy of R-1, altered').toString('base64');
    const tampered = await send('insurer1', '/records/R-1/verify', { contentBase64: changed });
    expect(verifyResultSchema.parse(tampered.body).result).toBe('tampered');
    const byDigest = await send('insurer1', '/records/R-1/verify', { digest: sm3Hex('copy of R-1') });
    expect(verifyResultSchema.parse(byDigest.body).result).toBe('authentic');
  });

  it('updates and retracts for the source hospital only, keeps history and still proves the registered entry', async () => {
    const update = { digest: sm3Hex('v2'), pointer: 'his://hospital1/R-2/v2', reason: 'corrected' };
    expect(errorCode(await send('clerk2', '/records/R-2/update', update))).toBe('RECORD_NOT_OWNER');
    expect(errorCode(await send('insurer1', '/records/R-2/update', update))).toBe('FORBIDDEN');
    expect((await send('clerk1', '/records/R-2/update', update)).status).toBe(200);
    expect((await send('clerk1', '/records/R-2/retract', { reason: 'entered in error' })).status).toBe(200);
    expect(errorCode(await send('clerk1', '/records/R-2/retract', { reason: 'again' }))).toBe('RECORD_RETRACTED');

    const history = z
      .array(z.object({ value: z.object({ version: z.number() }) }))
      .parse((await send('insurer1', '/records/R-2/history')).body);
    expect(history.map((version) => version.value.version)).toEqual([1, 2, 3]);
    const { record, proof } = recordProofSchema.parse((await send('insurer1', '/records/R-2')).body);
    expect(record.status).toBe('RETRACTED');
    expect(proof.verified).toBe(true);
  });

  it('refuses writers outside hospitals, malformed requests and unknown records; rejects duplicates by rule', async () => {
    expect(errorCode(await send('medclerk', '/records/batches', { records: [entry('M-1')] }))).toBe('FORBIDDEN');
    h.chaincode.evaluated.length = 0;
    const duplicate = await send('clerk2', '/records/batches', { records: [entry('R-0'), entry('R-1'), entry('N-1')] });
    expect(duplicate.status).toBe(201);
    const outcome = batchOutcomeSchema.parse(duplicate.body);
    expect(outcome.rejected.map((r) => r.violations.map((v) => v.rule))).toEqual([
      ['DUPLICATE_ON_LEDGER'],
      ['DUPLICATE_ON_LEDGER'],
    ]);
    expect(outcome.accepted.map((a) => a.recordId)).toEqual(['N-1']);
    expect(h.chaincode.evaluated).toEqual(['IndexedRecords']);
    expect(errorCode(await send('clerk1', '/records/batches', { records: [{ ...entry('X'), digest: 7 }] }))).toBe(
      'VALIDATION',
    );
    expect(errorCode(await send('clerk1', '/records/batches', { records: [{ ...entry('X'), extra: 'no' }] }))).toBe(
      'VALIDATION',
    );
    expect(errorCode(await send('insurer1', '/records/NOPE'))).toBe('RECORD_NOT_FOUND');
  });
});
