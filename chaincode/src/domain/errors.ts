/**
 * Chaincode errors. Only `error.message` of a chaincode error reaches the client, so every
 * message starts with a stable code from the vocabulary's catalogue followed by ': ' and a text
 * naming the field or the object concerned; the gateway maps the code to an HTTP status.
 */
import { CHAINCODE_ERROR_CODES, type ChaincodeErrorCode } from '@hdt/vocabulary';

export type ErrorCode = ChaincodeErrorCode;

/** `ErrorCode.INVOICE_EXISTS === 'INVOICE_EXISTS'`, for each code the catalogue lets a chaincode raise. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(CHAINCODE_ERROR_CODES.map((code) => [code, code])) as { readonly [C in ErrorCode]: C },
);

/** An error whose message is `CODE: detail`. */
export class ChaincodeError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
    this.code = code;
    this.detail = detail;
  }
}

export function chaincodeError(code: ErrorCode, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}

/** `INVALID_ARGUMENT: <field> <problem>`, e.g. `INVALID_ARGUMENT: payment.selfPay must be ...`. */
export function invalidArgument(field: string, problem: string): ChaincodeError {
  return new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `${field} ${problem}`);
}
