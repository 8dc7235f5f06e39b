import { createHash } from 'node:crypto';
import { z } from 'zod';
import { loggedIn, type Send } from '../../../test/api';
import { harness } from '../../../test/harness';
import { batchOutcomeSchema, errorListSchema, qualityReportSchema, resubmitResultSchema } from './schemas';

const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');
const errorOf = (res: { body: unknown }) => z.object({ code: z.string(), message: z.string() }).parse(res.body);
const NOW = new Date('2026-11-30T08:00:00.000Z');

function entry(recordId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recordId,
    patientId: sm3Hex('patient 1'),
    encounterId: 'ENC-1',
    type: 'LAB_REPORT',
    recordedAt: '2026-11-29T10:00:00.000Z',
    digest: sm3Hex(`copy of ${recordId}`),
    classification: 3,
    pointer: `his://hospital1/${recordId}`,
    ...overrides,
  };
}

jest.setTimeout(60_000);

let send: Send;

beforeAll(async () => {
  send = await loggedIn(await harness({ clock: () => NOW }), ['clerk1', 'clerk2', 'insurer1', 'hcsupervisor']);
});

describe('registration with data-quality rules', () => {
  let errorIds: string[] = [];

  it('registers the good entries on chain and keeps the bad ones in the error store', async () => {
    const records = [
      entry('Q-1', { diagnosisCodes: ['J18.900'] }),
      entry('Q-2', { classification: 7 }),
      entry('Q-3', { recordedAt: '2027-01-01T00:00:00.000Z', diagnosisCodes: ['pneumonia'] }),
      entry('Q-1'),
      { recordId: 'Q-4' },
      entry('Q-5'),
    ];
    const res = await send('clerk1', '/records/batches', { records });
    expect(res.status).toBe(201);
    const outcome = batchOutcomeSchema.parse(res.body);
    expect(outcome.batch?.count).toBe(2);
    expect(outcome.accepted).toEqual([
      { index: 0, recordId: 'Q-1' },
      { index: 5, recordId: 'Q-5' },
    ]);
    expect(outcome.rejected.map((r) => [r.index, r.recordId, r.violations.map((v) => v.rule)])).toEqual([
      [1, 'Q-2', ['CLASSIFICATION_RANGE']],
      [2, 'Q-3', ['TIME_IN_FUTURE', 'DIAGNOSIS_CODE_FORMAT']],
      [3, 'Q-1', ['DUPLICATE_IN_BATCH']],
      [4, 'Q-4', Array(7).fill('REQUIRED_FIELD')],
    ]);
    expect((await send('insurer1', '/records/Q-5')).status).toBe(200);
    expect(errorOf(await send('insurer1', '/records/Q-2')).code).toBe('RECORD_NOT_FOUND');
    errorIds = outcome.rejected.map((r) => r.errorId);
  });

  it('answers 200 with nothing on chain when every entry is rejected', async () => {
    const res = await send('clerk2', '/records/batches', { records: [entry('Q-5'), entry('Z-1', { type: 'X' })] });
    expect(res.status).toBe(200);
    const outcome = batchOutcomeSchema.parse(res.body);
    expect(outcome.batch).toBeNull();
    expect(outcome.rejected.map((r) => r.violations[0]?.rule)).toEqual(['DUPLICATE_ON_LEDGER', 'RECORD_TYPE_DOMAIN']);
  });

  it("lists a hospital's own errors only, newest first, paged", async () => {
    const first = errorListSchema.parse((await send('clerk1', '/records/errors?limit=3')).body);
    expect(first.items.map((e) => e.id)).toEqual([...errorIds].reverse().slice(0, 3));
    expect(first.items[0]?.entry).toEqual({ recordId: 'Q-4' });
    const rest = errorListSchema.parse(
      (await send('clerk1', `/records/errors?limit=3&after=${first.next ?? ''}`)).body,
    );
    expect(rest).toEqual({ items: [expect.objectContaining({ id: errorIds[0], status: 'OPEN' })], next: null });
    const other = errorListSchema.parse((await send('clerk2', '/records/errors')).body);
    expect(other.items.every((e) => e.org === 'Hospital2MSP')).toBe(true);
    expect(errorOf(await send('insurer1', '/records/errors')).code).toBe('FORBIDDEN');
    expect(errorOf(await send('clerk1', '/records/errors?after=zz')).message).toMatch(/after/);
  });

  it('resubmits a corrected entry: registered, error resolved; a still-bad one changes nothing', async () => {
    const id = errorIds[0] ?? '';
    const stillBad = await send('clerk1', `/records/errors/${id}/resubmit`, {
      record: entry('Q-2', { classification: 0 }),
    });
    expect(stillBad.status).toBe(422);
    expect(errorOf(stillBad).code).toBe('RECORD_QUALITY_FAILED');
    expect(errorOf(stillBad).message).toMatch(/CLASSIFICATION_RANGE classification/);
    expect(errorOf(await send('insurer1', '/records/Q-2')).code).toBe('RECORD_NOT_FOUND');
    expect(errorOf(await send('clerk2', `/records/errors/${id}/resubmit`, { record: entry('Q-2') })).code).toBe(
      'QUALITY_ERROR_NOT_FOUND',
    );

    const fixed = await send('clerk1', `/records/errors/${id}/resubmit`, { record: entry('Q-2') });
    expect(fixed.status).toBe(200);
    const result = resubmitResultSchema.parse(fixed.body);
    expect(result.error).toMatchObject({ status: 'RESOLVED', resolution: { by: 'clerk1', recordId: 'Q-2' } });
    expect((await send('insurer1', '/records/Q-2')).status).toBe(200);
    const again = await send('clerk1', `/records/errors/${id}/resubmit`, { record: entry('Q-2b') });
    expect(errorOf(again).code).toBe('QUALITY_ERROR_RESOLVED');
    const open = errorListSchema.parse((await send('clerk1', '/records/errors?status=OPEN')).body);
    expect(open.items.map((e) => e.id)).not.toContain(id);
  });

  it('reports accepted and rejected counts per hospital per day: own for hospitals, all for the commission', async () => {
    const own = qualityReportSchema.parse(
      (await send('clerk1', '/records/quality?from=2026-11-30&to=2026-11-30')).body,
    );
    expect(own.days).toEqual([
      { org: 'Hospital1MSP', day: '2026-11-30', accepted: 3, rejected: 4, acceptedShare: 0.4286 },
    ]);
    const all = qualityReportSchema.parse(
      (await send('hcsupervisor', '/records/quality?from=2026-11-01&to=2026-11-30')).body,
    );
    expect(all.totals.map((t) => [t.org, t.accepted, t.rejected])).toEqual([
      ['Hospital1MSP', 3, 4],
      ['Hospital2MSP', 0, 2],
    ]);
    expect(errorOf(await send('insurer1', '/records/quality?from=2026-11-01&to=2026-11-30')).code).toBe('FORBIDDEN');
    expect(errorOf(await send('clerk1', '/records/quality?from=2020-01-01&to=2026-11-30')).message).toMatch(/^to:/);
    expect((await send('clerk1', '/records/quality?from=2026-13-01&to=2026-11-30')).status).toBe(400);
  });
});
