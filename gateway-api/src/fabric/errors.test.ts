import * as grpc from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { CHAINCODE_ERROR_CODES, ERROR_CATALOGUE } from '@hdt/vocabulary';
import { extractChaincodeMessage, fromLedgerError, isRetryable } from './errors';

function cause(code: grpc.status, message: string): grpc.ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

function endorseError(chaincodeMessage: string): EndorseError {
  const message = '10 ABORTED: failed to endorse transaction, see attached details for more info';
  return new EndorseError({
    code: grpc.status.ABORTED,
    details: [
      {
        address: 'peer0.hospital1:7051',
        mspId: 'Hospital1MSP',
        message: `chaincode response 500, ${chaincodeMessage}`,
      },
    ],
    cause: cause(grpc.status.ABORTED, message),
    transactionId: 'tx1',
    message,
  });
}

function evaluateError(chaincodeMessage: string): GatewayError {
  const message = `2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, ${chaincodeMessage}`;
  return new GatewayError({
    code: grpc.status.UNKNOWN,
    details: [],
    cause: cause(grpc.status.UNKNOWN, message),
    message,
  });
}

describe('extractChaincodeMessage', () => {
  it('finds the coded message after the peer wrapper', () => {
    expect(extractChaincodeMessage('chaincode response 500, INVOICE_EXISTS: invoice 1/2 already exists')).toEqual({
      code: 'INVOICE_EXISTS',
      text: 'invoice 1/2 already exists',
    });
  });

  it('ignores text without a code', () => {
    expect(extractChaincodeMessage('chaincode response 500, something broke')).toBeUndefined();
  });
});

describe('fromLedgerError', () => {
  it('every chaincode code is in the HTTP catalogue', () => {
    for (const code of CHAINCODE_ERROR_CODES) expect(ERROR_CATALOGUE[code].status).toBeDefined();
  });

  it('passes through every catalogued chaincode code, with its status', () => {
    for (const code of CHAINCODE_ERROR_CODES) {
      const mapped = fromLedgerError(endorseError(`${code}: detail`));
      expect({ code: mapped.code, status: mapped.status }).toEqual({ code, status: ERROR_CATALOGUE[code].status });
    }
  });

  it.each([
    ['INVOICE_EXISTS', 409],
    ['INVOICE_NOT_FOUND', 404],
    ['INVALID_ARGUMENT', 400],
    ['FORBIDDEN', 403],
  ] as const)('keeps the chaincode code %s from endorsement details', (code, status) => {
    const err = fromLedgerError(endorseError(`${code}: field totalAmount is wrong`));
    expect(err).toMatchObject({ code, status, message: 'field totalAmount is wrong' });
  });

  it('reads the code from an evaluate error message', () => {
    expect(fromLedgerError(evaluateError('INVOICE_NOT_FOUND: invoice 1/2 does not exist'))).toMatchObject({
      code: 'INVOICE_NOT_FOUND',
      message: 'invoice 1/2 does not exist',
    });
  });

  it('hides unknown chaincode codes and untyped chaincode failures', () => {
    expect(fromLedgerError(endorseError('SOMETHING_NEW: x')).code).toBe('INTERNAL');
    expect(fromLedgerError(endorseError('TypeError: cannot read x')).code).toBe('INTERNAL');
  });

  it('maps unreachable endpoints to LEDGER_UNAVAILABLE', () => {
    const unavailable = new GatewayError({
      code: grpc.status.UNAVAILABLE,
      details: [],
      cause: cause(grpc.status.UNAVAILABLE, '14 UNAVAILABLE: No connection established'),
      message: '14 UNAVAILABLE: No connection established',
    });
    expect(fromLedgerError(unavailable)).toMatchObject({ code: 'LEDGER_UNAVAILABLE', status: 503 });
    const deadline = new CommitStatusError({
      code: grpc.status.DEADLINE_EXCEEDED,
      details: [],
      cause: cause(grpc.status.DEADLINE_EXCEEDED, '4 DEADLINE_EXCEEDED'),
      transactionId: 'tx',
      message: '4 DEADLINE_EXCEEDED',
    });
    expect(fromLedgerError(deadline).code).toBe('LEDGER_UNAVAILABLE');
    const aborted = new EndorseError({
      code: grpc.status.ABORTED,
      details: [{ address: 'p', mspId: 'm', message: 'rpc error: code = Unavailable desc = connection refused' }],
      cause: cause(grpc.status.ABORTED, 'x'),
      transactionId: 'tx',
      message: '10 ABORTED: failed to endorse transaction',
    });
    expect(fromLedgerError(aborted).code).toBe('LEDGER_UNAVAILABLE');
  });

  it('maps commit failures', () => {
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx', message: 'mvcc' });
    expect(fromLedgerError(mvcc)).toMatchObject({ code: 'CONFLICT', status: 409 });
    const policy = new CommitError({
      code: StatusCode.ENDORSEMENT_POLICY_FAILURE,
      transactionId: 'tx',
      message: 'policy',
    });
    expect(fromLedgerError(policy).code).toBe('INTERNAL');
  });

  it('hides plain errors behind INTERNAL', () => {
    expect(fromLedgerError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'ledger request failed' });
  });
});

describe('isRetryable', () => {
  it('retries MVCC conflicts and unavailable endpoints only', () => {
    expect(
      isRetryable(new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't', message: 'm' })),
    ).toBe(true);
    expect(
      isRetryable(new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 't', message: 'm' })),
    ).toBe(false);
    const unavailable = new GatewayError({
      code: grpc.status.UNAVAILABLE,
      details: [],
      cause: cause(grpc.status.UNAVAILABLE, 'u'),
      message: 'u',
    });
    expect(isRetryable(unavailable)).toBe(true);
    expect(isRetryable(endorseError('INVOICE_EXISTS: x'))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

describe('too few endorsers', () => {
  // What the gateway peer answers when discovery cannot meet the endorsement policy.
  const message =
    '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy';
  const err = new EndorseError({
    code: grpc.status.FAILED_PRECONDITION,
    details: [],
    cause: cause(grpc.status.FAILED_PRECONDITION, message),
    transactionId: 'tx2',
    message,
  });

  it('is LEDGER_UNAVAILABLE (503), not an internal error', () => {
    const mapped = fromLedgerError(err);
    expect(mapped.code).toBe('LEDGER_UNAVAILABLE');
    expect(mapped.status).toBe(503);
    expect(ERROR_CATALOGUE.LEDGER_UNAVAILABLE.status).toBe(503);
  });

  it('is retried', () => {
    expect(isRetryable(err)).toBe(true);
  });

  it('other FAILED_PRECONDITION errors are neither', () => {
    const other = new GatewayError({
      code: grpc.status.FAILED_PRECONDITION,
      details: [],
      cause: cause(grpc.status.FAILED_PRECONDITION, '9 FAILED_PRECONDITION: channel not found'),
      message: '9 FAILED_PRECONDITION: channel not found',
    });
    expect(fromLedgerError(other).code).toBe('INTERNAL');
    expect(isRetryable(other)).toBe(false);
  });
});
