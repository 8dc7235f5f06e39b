import {
  CONSENT_CONTRACT,
  CONSENT_SIGNING_DESCRIPTION,
  HEALTH_RECORD_TYPES,
  canonicalJson,
  CanonicalJsonError,
  CURRENCIES,
  INVOICE_CONTRACT,
  INVOICE_ISSUED_EVENT,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  isRole,
  PAYMENT_PARTS,
  paymentSplitProblem,
  reimbursableProblem,
  ROLES,
  VERIFIABLE_DIGESTS,
  VERIFICATION_RESULTS,
} from '.';

describe('the package surface', () => {
  it('declares the invoice enums once', () => {
    expect(INVOICE_TYPES).toEqual(['OUTPATIENT', 'INPATIENT', 'INTERNET', 'REGISTRATION', 'CHECKUP']);
    expect(INVOICE_STATUSES).toEqual([
      'ISSUED',
      'LOCKED',
      'PARTIALLY_REIMBURSED',
      'REIMBURSED',
      'RED_FLUSHED',
      'VOIDED',
      'WRITTEN_OFF',
    ]);
    expect(CURRENCIES).toEqual(['CNY']);
    expect(PAYMENT_PARTS).toEqual(['medicalInsuranceFund', 'personalAccount', 'otherFund', 'selfPay']);
    expect(VERIFICATION_RESULTS).toEqual(['authentic', 'tampered', 'unknown']);
    expect(VERIFIABLE_DIGESTS).toEqual(['pdfDigest', 'dataDigest']);
    expect(INVOICE_ISSUED_EVENT).toBe('InvoiceIssued');
  });

  it('exports the amount rules', () => {
    expect(
      paymentSplitProblem(1, { medicalInsuranceFund: 1, personalAccount: 0, otherFund: 0, selfPay: 0 }),
    ).toBeUndefined();
    expect(reimbursableProblem(1, 2)).toBe('(2 fen) must not exceed totalAmount (1 fen)');
  });

  it('exports canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
    expect(() => canonicalJson({ x: undefined })).toThrow(CanonicalJsonError);
  });

  it('knows the roles', () => {
    expect(ROLES).toEqual(['billing_clerk', 'reimbursement_officer', 'supervisor', 'admin', 'resident', 'doctor']);
    expect(isRole('billing_clerk')).toBe(true);
    expect(isRole('wizard')).toBe(false);
  });

  it('describes the invoice contract: the operations are submitted, the queries are evaluated', () => {
    const { name, transactions } = INVOICE_CONTRACT;
    expect(name).toBe('invoice');
    expect(Object.keys(transactions)).toEqual([
      'Issue',
      'Update',
      'Lock',
      'Reimburse',
      'Unlock',
      'RedFlush',
      'Void',
      'WriteOff',
      'Read',
      'Verify',
      'History',
      'ImportBatch',
      'ReadBatch',
    ]);
    for (const operation of [
      'Issue',
      'Update',
      'Lock',
      'Reimburse',
      'Unlock',
      'RedFlush',
      'Void',
      'WriteOff',
      'ImportBatch',
    ] as const) {
      expect(transactions[operation]).toEqual({ kind: 'submit', args: ['input'] });
    }
    expect(transactions.Verify.args).toHaveLength(5);
    expect([transactions.Read.kind, transactions.Verify.kind, transactions.History.kind]).toEqual([
      'evaluate',
      'evaluate',
      'evaluate',
    ]);
    expect(transactions.ReadBatch).toEqual({ kind: 'evaluate', args: ['ids'] });
  });

  it('describes the consent contract: signed operations are submitted, reads are evaluated', () => {
    const { name, transactions } = CONSENT_CONTRACT;
    expect(name).toBe('consent');
    const submitted = Object.entries(transactions)
      .filter(([, spec]) => spec.kind === 'submit')
      .map(([txName, spec]) => [txName, spec.args]);
    expect(submitted).toEqual(
      [
        'RegisterResidentKey',
        'RotateResidentKey',
        'RecoverResidentKey',
        'Grant',
        'Change',
        'Revoke',
        'EndReferral',
        'SetPolicyPreferences',
      ].map((txName) => [txName, ['input']]),
    );
    expect(transactions.ReadGrant).toEqual({ kind: 'evaluate', args: ['residentId', 'grantId'] });
    expect(transactions.ListGrantsByResident).toEqual({ kind: 'evaluate', args: ['residentId'] });
    expect(HEALTH_RECORD_TYPES).toContain('DISCHARGE_SUMMARY');
    expect(CONSENT_SIGNING_DESCRIPTION.length).toBeGreaterThan(500);
  });
});
