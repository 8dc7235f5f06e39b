import { ORGS, MspId, authoriseIssuer, authoriseMember, findOrg, isConsortiumMsp, isHospitalMsp } from './orgs';

describe('organisation table', () => {
  it('holds the five consortium members once each', () => {
    const ids = ORGS.map((org) => org.mspId);
    expect(ids).toEqual(['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(findOrg('MedInsMSP')?.kind).toBe('medical-insurance-bureau');
  });

  it('knows which organisations are hospitals', () => {
    expect(isHospitalMsp(MspId.HOSPITAL1)).toBe(true);
    expect(isHospitalMsp(MspId.HOSPITAL2)).toBe(true);
    for (const mspId of ['MedInsMSP', 'InsurerMSP', 'HealthCommMSP', 'OrdererMSP', '', 'hospital1msp']) {
      expect(isHospitalMsp(mspId)).toBe(false);
    }
    expect(isConsortiumMsp('InsurerMSP')).toBe(true);
    expect(isConsortiumMsp('Org1MSP')).toBe(false);
  });

  it('lets only hospitals issue', () => {
    expect(authoriseIssuer('Hospital1MSP')).toBe('Hospital1MSP');
    expect(authoriseIssuer('Hospital2MSP')).toBe('Hospital2MSP');
    expect(() => authoriseIssuer('InsurerMSP')).toThrow(/^FORBIDDEN: organisation "InsurerMSP" may not issue invoices/);
    expect(() => authoriseIssuer('MedInsMSP')).toThrow(/^FORBIDDEN: /);
    expect(() => authoriseIssuer('HealthCommMSP')).toThrow(/^FORBIDDEN: /);
    expect(() => authoriseIssuer('')).toThrow(/^FORBIDDEN: organisation \(none\)/);
  });

  it('lets every consortium member read, and nobody else', () => {
    for (const org of ORGS) {
      expect(authoriseMember(org.mspId)).toBe(org.mspId);
    }
    expect(() => authoriseMember('Org1MSP')).toThrow(
      /^FORBIDDEN: organisation "Org1MSP" is not a member of the consortium$/,
    );
  });
});
