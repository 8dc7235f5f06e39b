import { createHash } from 'node:crypto';
import { MspId } from '@hdt/vocabulary';
import { z } from 'zod';
import { loggedIn, type Send } from '../../../test/api';
import { harness } from '../../../test/harness';
import { firstBroken } from './audit';
import type { User } from '../auth/roles';
import { InMemoryEmpiAnchors } from './anchors';
import {
  auditListSchema,
  auditVerificationSchema,
  linkResultSchema,
  mergeResultSchema,
  residentViewSchema,
  splitResultSchema,
} from './schemas';
import { EmpiService } from './service';
import { InMemoryEmpiStore } from './store';

const sm3Hex = (data: string) => createHash('sm3').update(data).digest('hex');
const codeOf = (res: { body: unknown }) => z.object({ code: z.string() }).parse(res.body).code;
const ID = '11010519491231002X';
const OTHER_ID = '440524188001010014';
const ZHANG = { name: '张三', birthDate: '1949-12-31', sex: 'male' };

jest.setTimeout(60_000);

let send: Send;

function record(recordId: string, patient: string, encounterId: string): Record<string, unknown> {
  return {
    recordId,
    patientId: sm3Hex(patient),
    encounterId,
    type: 'ENCOUNTER',
    recordedAt: '2026-11-20T08:00:00.000Z',
    digest: sm3Hex(recordId),
    classification: 3,
    pointer: `his://x/${recordId}`,
    diagnosisCodes: ['J18.900'],
  };
}

async function link(user: string, patient: string, extra: Record<string, unknown>) {
  const res = await send(user, '/empi/links', { patientId: sm3Hex(patient), localPatientId: `L-${patient}`, ...extra });
  return { status: res.status, body: linkResultSchema.parse(res.body) };
}

beforeAll(async () => {
  send = await loggedIn(await harness(), ['clerk1', 'clerk2', 'insurer1', 'hcsupervisor']);
  await send('clerk1', '/records/batches', { records: [record('E-1', 'h1-p1', 'V1'), record('E-2', 'h1-p1', 'V1')] });
  await send('clerk2', '/records/batches', { records: [record('E-3', 'h2-p9', 'V7'), record('E-4', 'h2-p5', 'V8')] });
});

describe('the EMPI', () => {
  let resident = '';
  let twin = '';

  it('links two hospitals’ patients with the same ID number to one resident, and shows their records as one view', async () => {
    const first = await link('clerk1', 'h1-p1', { idNumber: ID, ...ZHANG });
    expect(first.status).toBe(201);
    expect(first.body.link.method).toBe('ID_NUMBER');
    const second = await link('clerk2', 'h2-p9', { idNumber: ID.toLowerCase() });
    expect(second.body.residentId).toBe(first.body.residentId);
    resident = first.body.residentId;
    expect((await link('clerk1', 'h1-p1', {})).status).toBe(200);

    const view = residentViewSchema.parse((await send('hcsupervisor', `/empi/residents/${resident}`)).body);
    expect(view.links.map((l) => l.org)).toEqual(['Hospital1MSP', 'Hospital2MSP']);
    expect(view.encounters.map((e) => [e.org, e.encounterId, e.records.map((r) => r.recordId)])).toEqual([
      ['Hospital1MSP', 'V1', ['E-1', 'E-2']],
      ['Hospital2MSP', 'V7', ['E-3']],
    ]);
    expect(view.encounters[0]?.records[0]?.diagnosisCodes).toEqual(['J18.900']);
    expect(JSON.stringify(view)).not.toContain(ID);
  });

  it('makes a patient with equal name, birth date and sex but no ID number a candidate for review', async () => {
    const res = await link('clerk2', 'h2-p5', ZHANG);
    expect(res.body.link.method).toBe('NEW_RESIDENT');
    twin = res.body.residentId;
    expect(twin).not.toBe(resident);
    expect(res.body.candidates).toEqual([resident]);
    const view = residentViewSchema.parse((await send('clerk1', `/empi/residents/${resident}`)).body);
    expect(view.candidates).toEqual([twin]);
    const lookup = linkResultSchema.parse((await send('clerk2', `/empi/links/Hospital2MSP/${sm3Hex('h2-p5')}`)).body);
    expect(lookup.residentId).toBe(twin);
    expect(codeOf(await send('clerk1', `/empi/links/Hospital2MSP/${sm3Hex('h2-p5')}`))).toBe('FORBIDDEN');
    expect(codeOf(await send('clerk1', `/empi/links/Hospital1MSP/${sm3Hex('nobody')}`))).toBe('EMPI_LINK_NOT_FOUND');
  });

  it('merges then splits, each audited with who, when, why, before and after, in an SM3 chain', async () => {
    const merged = mergeResultSchema.parse(
      (
        await send('hcsupervisor', '/empi/merges', {
          sourceResidentId: twin,
          targetResidentId: resident,
          reason: 'same person',
        })
      ).body,
    );
    expect(merged.resident.links).toHaveLength(3);
    expect(merged.resident.encounters.map((e) => e.encounterId)).toEqual(['V1', 'V7', 'V8']);
    expect(merged.audit).toMatchObject({ action: 'MERGE', actor: 'hcsupervisor', reason: 'same person' });
    expect(merged.audit.before.residents.map((r) => r.links.length)).toEqual([1, 2]);
    expect(merged.audit.after.residents.map((r) => [r.status, r.links.length])).toEqual([
      ['MERGED', 0],
      ['ACTIVE', 3],
    ]);
    const lookup = linkResultSchema.parse((await send('clerk2', `/empi/links/Hospital2MSP/${sm3Hex('h2-p5')}`)).body);
    expect(lookup.residentId).toBe(resident);

    const split = await send('hcsupervisor', '/empi/splits', {
      residentId: resident,
      links: [{ org: 'Hospital2MSP', patientId: sm3Hex('h2-p5') }],
      reason: 'different people after all',
    });
    expect(split.status).toBe(201);
    const { resident: made, from, audit } = splitResultSchema.parse(split.body);
    expect(made.links.map((l) => [l.org, l.method])).toEqual([['Hospital2MSP', 'SPLIT']]);
    expect(from.links).toHaveLength(2);
    expect(audit).toMatchObject({ action: 'SPLIT', seq: 2, prevHash: merged.audit.hash });

    const trail = auditListSchema.parse((await send('hcsupervisor', `/empi/audit?residentId=${resident}`)).body);
    expect(trail.entries.map((e) => e.action)).toEqual(['SPLIT', 'MERGE']);
    expect(firstBroken([...trail.entries].reverse())).toBeNull();

    const verdict = auditVerificationSchema.parse((await send('hcsupervisor', '/empi/audit/verify')).body);
    expect(verdict).toMatchObject({ entries: 2, lastSeq: 2, firstBroken: null, headMatches: true, intact: true });
    expect(verdict.anchoredHead).toMatchObject({ seq: 2, hash: audit.hash, mspId: 'HealthCommMSP' });
    expect(codeOf(await send('clerk1', '/empi/audit/verify'))).toBe('FORBIDDEN');
  });

  it('refuses what contradicts the EMPI, and users outside the health commission', async () => {
    const other = await link('clerk1', 'h1-p2', { idNumber: OTHER_ID });
    const body = { sourceResidentId: other.body.residentId, targetResidentId: resident, reason: 'typo?' };
    expect(codeOf(await send('hcsupervisor', '/empi/merges', body))).toBe('EMPI_CONFLICT');
    expect(codeOf(await send('clerk1', '/empi/merges', body))).toBe('FORBIDDEN');
    const self = { ...body, sourceResidentId: resident };
    expect(codeOf(await send('hcsupervisor', '/empi/merges', self))).toBe('EMPI_CONFLICT');
    const unknown = { ...body, sourceResidentId: 'ab'.repeat(32) };
    expect(codeOf(await send('hcsupervisor', '/empi/merges', unknown))).toBe('RESIDENT_NOT_FOUND');
    const all = {
      residentId: resident,
      links: [
        { org: 'Hospital1MSP', patientId: sm3Hex('h1-p1') },
        { org: 'Hospital2MSP', patientId: sm3Hex('h2-p9') },
      ],
      reason: 'x',
    };
    expect(codeOf(await send('hcsupervisor', '/empi/splits', all))).toBe('EMPI_CONFLICT');
    expect(codeOf(await send('insurer1', `/empi/residents/${resident}`))).toBe('FORBIDDEN');
    expect(codeOf(await send('clerk1', '/empi/audit'))).toBe('FORBIDDEN');
    expect(codeOf(await send('insurer1', '/empi/links', { patientId: sm3Hex('z'), localPatientId: 'z' }))).toBe(
      'FORBIDDEN',
    );
    const badId = await send('clerk1', '/empi/links', {
      patientId: sm3Hex('z'),
      localPatientId: 'z',
      idNumber: '110105194912310021',
    });
    expect(codeOf(badId)).toBe('VALIDATION');
    expect(JSON.stringify(badId.body)).toContain('idNumber');
    const partial = await send('clerk1', '/empi/links', { patientId: sm3Hex('z'), localPatientId: 'z', name: '李四' });
    expect(JSON.stringify(partial.body)).toContain('all three or none');
  });
});

describe('verifying the EMPI audit trail against the head on chain', () => {
  const SUPERVISOR: User = { username: 'hc', displayName: 'HC', mspId: MspId.HEALTH_COMMISSION, role: 'supervisor' };
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const content = (reason: string) => ({
    at: '2026-11-30T08:00:00.000Z',
    actor: 'hc',
    actorOrg: 'HealthCommMSP',
    action: 'MERGE' as const,
    reason,
    residentIds: ['a'.repeat(64)],
    before: {},
    after: {},
  });

  async function trail(count: number, anchoredAt: number) {
    const store = new InMemoryEmpiStore();
    const anchors = new InMemoryEmpiAnchors();
    for (let i = 1; i <= count; i += 1) {
      const entry = await store.appendAudit(content(`reason ${i}`));
      if (i === anchoredAt) await anchors.anchor('HealthCommMSP', { seq: entry.seq, hash: entry.hash });
    }
    const service = new EmpiService({
      store,
      entries: { save: jest.fn(), ofPatients: jest.fn() },
      key: new Uint8Array(32),
      logger,
      anchors,
    });
    return { store, service, verify: () => service.verifyAudit(SUPERVISOR) };
  }

  it('counts the entries after the anchored head, intact', async () => {
    const { verify } = await trail(3, 2);
    expect(await verify()).toMatchObject({ lastSeq: 3, unanchored: 1, headMatches: true, intact: true });
  });

  it('reports an edited entry, even one re-chained to the end, and one cut from the end', async () => {
    const edited = await trail(3, 3);
    const first = edited.store.audit[0];
    if (first === undefined) throw new Error('no entry');
    first.reason = 'rewritten';
    expect(await edited.verify()).toMatchObject({ firstBroken: 1, intact: false });

    const rechained = await trail(3, 3);
    const rebuilt = new InMemoryEmpiStore();
    for (const [i, entry] of rechained.store.audit.entries()) {
      const rest = { ...entry, reason: i === 0 ? 'rewritten' : entry.reason };
      await rebuilt.appendAudit({
        at: rest.at,
        actor: rest.actor,
        actorOrg: rest.actorOrg,
        action: rest.action,
        reason: rest.reason,
        residentIds: rest.residentIds,
        before: rest.before,
        after: rest.after,
      });
    }
    rechained.store.audit.splice(0, 3, ...rebuilt.audit);
    expect(await rechained.verify()).toMatchObject({ firstBroken: null, headMatches: false, intact: false });

    const cut = await trail(3, 3);
    cut.store.audit.pop();
    expect(await cut.verify()).toMatchObject({ lastSeq: 2, headMatches: false, intact: false });
  });
});
