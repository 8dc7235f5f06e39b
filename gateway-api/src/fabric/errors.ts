import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { isChaincodeErrorCode } from '@hdt/vocabulary';
import { AppError } from '../errors';

/** gRPC statuses that mean the peer or orderer could not be reached in time. */
const UNREACHABLE_GRPC = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.CANCELLED,
  GrpcStatus.RESOURCE_EXHAUSTED,
]);

const CHAINCODE_MARKER = /chaincode response \d+, /;
const CODED_MESSAGE = /^([A-Z][A-Z0-9_]*[A-Z0-9]): ?([\s\S]*)$/;
const UNREACHABLE_TEXT = /code = (Unavailable|DeadlineExceeded|Canceled)|connection refused|no route to host/i;
/** Discovery found too few reachable peers to satisfy the endorsement policy (peers down, or gossip still converging). */
const NO_ENDORSEMENT_PLAN = /no (peer )?combination .*satisfy the endorsement policy/i;

function lacksEndorsers(err: GatewayError): boolean {
  return (
    grpcStatusOf(err) === GrpcStatus.FAILED_PRECONDITION && gatewayTexts(err).some((t) => NO_ENDORSEMENT_PLAN.test(t))
  );
}

export interface ChaincodeMessage {
  code: string;
  text: string;
}

/**
 * Finds the chaincode's own message inside a gateway error text, e.g.
 * `10 ABORTED: ... chaincode response 500, INVOICE_EXISTS: invoice ... already exists`.
 */
export function extractChaincodeMessage(text: string): ChaincodeMessage | undefined {
  const marker = CHAINCODE_MARKER.exec(text);
  const candidate = marker ? text.slice(marker.index + marker[0].length) : text;
  const coded = CODED_MESSAGE.exec(candidate.trim());
  if (!coded || coded[1] === undefined) return undefined;
  return { code: coded[1], text: (coded[2] ?? '').trim() };
}

/** The gRPC status of a gateway error (fabric-gateway types `GatewayError.code` as a plain number). */
function grpcStatusOf(err: GatewayError): GrpcStatus {
  return err.code;
}

function gatewayTexts(err: GatewayError): string[] {
  // Details carry the endorsing peers' messages; the error message repeats them for evaluate.
  return [...err.details.map((d) => d.message), err.message];
}

/** Retry policy: only MVCC read conflicts at commit and unavailable endpoints are retried. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CommitError) return err.code === StatusCode.MVCC_READ_CONFLICT;
  if (err instanceof GatewayError) {
    if (lacksEndorsers(err)) return true;
    if (grpcStatusOf(err) !== GrpcStatus.UNAVAILABLE) return false;
    // An unavailable endpoint is retryable, a chaincode rejection never is.
    return gatewayTexts(err).every((t) => chaincodeCodeIn(t) === undefined);
  }
  return false;
}

function chaincodeCodeIn(text: string): ChaincodeMessage | undefined {
  if (!CHAINCODE_MARKER.test(text)) return undefined;
  return extractChaincodeMessage(text);
}

/**
 * Turns an error from the Fabric gateway client into an AppError with a stable code.
 * Chaincode rejections keep their code and text when the code is a catalogued chaincode code;
 * unreachable endpoints become LEDGER_UNAVAILABLE; anything else is INTERNAL (with the original
 * as cause, for the log).
 */
export function fromLedgerError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof GatewayError) return fromGatewayError(err);
  if (err instanceof CommitError) return fromCommitError(err);
  return new AppError('INTERNAL', 'ledger request failed', { cause: err });
}

function fromGatewayError(err: GatewayError): AppError {
  const rejection = chaincodeRejection(err);
  if (rejection) return rejection;
  if (lacksEndorsers(err)) {
    return new AppError('LEDGER_UNAVAILABLE', 'too few organisations can endorse right now, try again later', {
      cause: err,
    });
  }
  if (UNREACHABLE_GRPC.has(err.code) || gatewayTexts(err).some((t) => UNREACHABLE_TEXT.test(t))) {
    return new AppError('LEDGER_UNAVAILABLE', 'the ledger is unreachable, try again later', { cause: err });
  }
  return new AppError('INTERNAL', 'ledger request failed', { cause: err });
}

/** The chaincode's own rejection inside a gateway error, if there is one. */
function chaincodeRejection(err: GatewayError): AppError | undefined {
  for (const text of gatewayTexts(err)) {
    const found = chaincodeCodeIn(text);
    if (found) {
      return isChaincodeErrorCode(found.code)
        ? new AppError(found.code, found.text || found.code, { cause: err })
        : new AppError('INTERNAL', 'ledger rejected the transaction', { cause: err });
    }
  }
  // Details that start with a coded message directly (no peer wrapper).
  for (const detail of err.details) {
    const found = extractChaincodeMessage(detail.message);
    if (found && isChaincodeErrorCode(found.code)) return new AppError(found.code, found.text, { cause: err });
  }
  return undefined;
}

function fromCommitError(err: CommitError): AppError {
  if (err.code === StatusCode.MVCC_READ_CONFLICT || err.code === StatusCode.PHANTOM_READ_CONFLICT) {
    return new AppError('CONFLICT', 'a concurrent update won, try again', { cause: err });
  }
  return new AppError('INTERNAL', 'transaction was not committed', { cause: err });
}
