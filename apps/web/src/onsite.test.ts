import { doctorCode, grantCode, onSiteTerms, parseDoctorCode } from './onsite';

describe('on-site codes', () => {
  it('name one doctor of a hospital, and nothing else', () => {
    const doctor = { mspId: 'Hospital2MSP' as const, doctorId: 'h2.doctor' };
    expect(parseDoctorCode(` ${doctorCode(doctor)} `)).toEqual(doctor);
    for (const bad of ['', 'h2.doctor', 'hdt-doctor:MedInsMSP:m1', 'hdt-doctor:Hospital2MSP:', 'hdt-grant:x:y']) {
      expect(() => parseDoctorCode(bad)).toThrow('invalid input');
    }
  });

  it('make a short grant to that doctor only, and its code', () => {
    const now = new Date('2026-03-01T08:00:00.000Z');
    const terms = onSiteTerms({ mspId: 'Hospital1MSP', doctorId: 'h1.doctor' }, 15, now, 'onsite-1');
    expect(terms).toMatchObject({
      grantee: { mspId: 'Hospital1MSP', doctorId: 'h1.doctor' },
      purpose: 'TREATMENT',
      notBefore: '2026-03-01T07:59:00.000Z',
      notAfter: '2026-03-01T08:15:00.000Z',
      scope: { recordIds: [], fields: ['*'] },
    });
    expect(grantCode('ab', 'onsite-1')).toBe('hdt-grant:ab:onsite-1');
  });
});
