import {
  CHAINCODE_ERROR_CODES,
  ERROR_CATALOGUE,
  ERROR_CODES,
  errorCodeOf,
  isChaincodeErrorCode,
  statusOf,
} from './errors';

describe('error catalogue', () => {
  it('gives every code an error status and a meaning', () => {
    for (const code of ERROR_CODES) {
      const spec = ERROR_CATALOGUE[code];
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      expect(spec.meaning.length).toBeGreaterThan(10);
    }
  });

  it('lists the chaincode codes as the ones the contracts raise', () => {
    expect([...CHAINCODE_ERROR_CODES].sort()).toEqual([
      'ACCESS_ANCHOR_CONFLICT',
      'ACCESS_ANCHOR_NOT_FOUND',
      'ACCESS_DECISION_NOT_FOUND',
      'AMOUNT_UNAVAILABLE',
      'BATCH_NOT_FOUND',
      'CLAIM_EXISTS',
      'CODE_NOT_ALLOCATED',
      'CODE_RANGE_OVERLAP',
      'CONSENT_NOT_ACTIVE',
      'EMPI_AUDIT_ANCHOR_CONFLICT',
      'FORBIDDEN',
      'GRANT_EXISTS',
      'GRANT_NOT_FOUND',
      'GRANT_VERSION_CONFLICT',
      'INTERNAL',
      'INVALID_ARGUMENT',
      'INVOICE_EXISTS',
      'INVOICE_NOT_FOUND',
      'INVOICE_STATE_CONFLICT',
      'LOCK_NOT_ACTIVE',
      'NONCE_REUSED',
      'NOT_LOCK_HOLDER',
      'ORG_NOT_REGISTERED',
      'POLICY_VERSION_CONFLICT',
      'RECORD_EXISTS',
      'RECORD_NOT_FOUND',
      'RECORD_NOT_OWNER',
      'RECORD_RETRACTED',
      'RESIDENT_KEY_EXISTS',
      'RESIDENT_KEY_SUPERSEDED',
      'RESIDENT_KEY_UNKNOWN',
      'SIGNATURE_INVALID',
      'SIGNATURE_STALE',
    ]);
    expect(isChaincodeErrorCode('INVOICE_EXISTS')).toBe(true);
    expect(isChaincodeErrorCode('VALIDATION')).toBe(false);
    expect(isChaincodeErrorCode('NO_SUCH_CODE')).toBe(false);
  });

  it('maps codes to statuses, unknown codes to 500', () => {
    expect(statusOf('INVOICE_EXISTS')).toBe(409);
    expect(statusOf('INVOICE_NOT_FOUND')).toBe(404);
    expect(statusOf('LEDGER_UNAVAILABLE')).toBe(503);
    expect(statusOf('SOMETHING_ELSE')).toBe(500);
  });

  it('reads the code at the start of a message', () => {
    expect(errorCodeOf('INVOICE_EXISTS: invoice 31012026/0000000001 was already issued')).toBe('INVOICE_EXISTS');
    expect(errorCodeOf('NOT_A_CODE: text')).toBeUndefined();
    expect(errorCodeOf('no code here')).toBeUndefined();
    expect(errorCodeOf(': empty')).toBeUndefined();
  });
});
