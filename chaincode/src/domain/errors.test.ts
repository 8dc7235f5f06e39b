import { CHAINCODE_ERROR_CODES, errorCodeOf, isChaincodeErrorCode } from '@hdt/vocabulary';
import { ChaincodeError, ErrorCode, chaincodeError, invalidArgument } from './errors';

describe('error catalogue', () => {
  it('offers exactly the catalogue codes a chaincode may raise', () => {
    expect(Object.keys(ErrorCode).sort()).toEqual([
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
  });

  it('uses each code as its own value', () => {
    for (const [key, value] of Object.entries(ErrorCode)) {
      expect(value).toBe(key);
      expect(value).toMatch(/^[A-Z][A-Z_]*$/);
    }
  });

  it('builds messages as `CODE: detail`', () => {
    const error = chaincodeError(ErrorCode.INVOICE_EXISTS, 'invoice 1/2 was already issued');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ChaincodeError);
    expect(error.message).toBe('INVOICE_EXISTS: invoice 1/2 was already issued');
    expect(error.code).toBe('INVOICE_EXISTS');
    expect(error.detail).toBe('invoice 1/2 was already issued');
  });

  it('names the field in INVALID_ARGUMENT messages', () => {
    expect(invalidArgument('payment.selfPay', 'must not be negative').message).toBe(
      'INVALID_ARGUMENT: payment.selfPay must not be negative',
    );
  });

  it('reads the code back from a message', () => {
    for (const code of CHAINCODE_ERROR_CODES) {
      expect(errorCodeOf(chaincodeError(code, 'x').message)).toBe(code);
    }
    expect(errorCodeOf('something else: went wrong')).toBeUndefined();
    expect(errorCodeOf('INVALID_ARGUMENT without separator')).toBeUndefined();
    expect(errorCodeOf(': nothing')).toBeUndefined();
    expect(isChaincodeErrorCode('FORBIDDEN')).toBe(true);
    expect(isChaincodeErrorCode('forbidden')).toBe(false);
  });
});
