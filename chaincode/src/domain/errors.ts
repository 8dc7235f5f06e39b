/**
 * Catalogue of chaincode error codes.
 *
 * Only `error.message` of a chaincode error reaches the client, so every message
 * starts with one of these stable codes followed by ': ' and a text naming the
 * field or the object concerned. The gateway maps the code to an HTTP status.
 */
export const ErrorCode = {
  /** An argument is missing, malformed or breaks an amount rule. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The calling organisation may not perform this transaction. */
  FORBIDDEN: 'FORBIDDEN',
  /** An invoice with this code and number was already issued. */
  INVOICE_EXISTS: 'INVOICE_EXISTS',
  /** No invoice with this code and number exists. */
  INVOICE_NOT_FOUND: 'INVOICE_NOT_FOUND',
  /** The ledger holds data the chaincode cannot read (never caused by the caller). */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.values(ErrorCode));

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

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

export function isErrorCode(value: string): value is ErrorCode {
  return CODE_SET.has(value);
}

/** The code at the start of an error message, or undefined when it carries none. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  const separator = message.indexOf(': ');
  if (separator <= 0) {
    return undefined;
  }
  const candidate = message.slice(0, separator);
  return isErrorCode(candidate) ? candidate : undefined;
}
