import { findOrg, isMspId, mayIssueInvoices, MSP_IDS, MspId, ORGS } from './orgs';
import { isRole, ROLES } from './roles';
import { INVOICE_CONTRACT } from './contracts';

describe('organisations and roles', () => {
  it('lists five members, two of them hospitals', () => {
    expect(MSP_IDS).toEqual(['Hospital1MSP', 'Hospital2MSP', 'MedInsMSP', 'InsurerMSP', 'HealthCommMSP']);
    expect(ORGS.filter((org) => org.kind === 'hospital').map((org) => org.mspId)).toEqual([
      MspId.HOSPITAL1,
      MspId.HOSPITAL2,
    ]);
  });

  it('lets only hospitals issue invoices', () => {
    expect(mayIssueInvoices('Hospital2MSP')).toBe(true);
    expect(mayIssueInvoices('InsurerMSP')).toBe(false);
    for (const mspId of ['MedInsMSP', 'HealthCommMSP', 'OrdererMSP', '', 'hospital1msp', 'EvilMSP']) {
      expect(mayIssueInvoices(mspId)).toBe(false);
    }
    expect(findOrg('MedInsMSP')?.kind).toBe('medical-insurance-bureau');
    expect(isMspId('EvilMSP')).toBe(false);
    expect(isMspId('InsurerMSP')).toBe(true);
    expect(new Set(MSP_IDS).size).toBe(MSP_IDS.length);
  });

  it('knows the roles', () => {
    expect(ROLES).toContain('billing_clerk');
    expect(isRole('admin')).toBe(true);
    expect(isRole('root')).toBe(false);
  });

  it('names the invoice contract and its transactions', () => {
    expect(INVOICE_CONTRACT.name).toBe('invoice');
    expect(Object.keys(INVOICE_CONTRACT.transactions)).toContain('Issue');
    expect(Object.keys(INVOICE_CONTRACT.transactions)).toContain('WriteOff');
    expect(INVOICE_CONTRACT.transactions.Issue.kind).toBe('submit');
    expect(INVOICE_CONTRACT.transactions.Verify.args).toHaveLength(5);
  });
});
