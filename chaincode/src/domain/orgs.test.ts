import { ORGS } from '@hdt/vocabulary';
import { authoriseIssuer, authoriseMember } from './orgs';

describe('organisation rules', () => {
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
