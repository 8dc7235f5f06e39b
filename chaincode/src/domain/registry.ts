/** The org registry's rules: who may change it, and that code ranges never overlap. */
import {
  INVOICE_CODE,
  REGISTRY_AUTHORITY_KIND,
  UNIT_NAME_MAX,
  codeInRange,
  findOrg,
  rangesOverlap,
  type AllocateCodesInput,
  type CodeRange,
  type OrgProfile,
  type SetOrgProfileInput,
} from '@hdt/vocabulary';
import { ErrorCode, chaincodeError, invalidArgument } from './errors';
import { expectPattern, expectRecord, expectText, rejectUnknownFields, requiredField } from './fields';
import { decodeJsonArgument, type TxContext } from './invoice';

export function authoriseRegistryAuthority(mspId: string): void {
  if (findOrg(mspId)?.kind !== REGISTRY_AUTHORITY_KIND) {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `only the health commission may change the registry; the caller is ${mspId}`,
    );
  }
}

export function parseMemberMsp(value: unknown, path = 'mspId'): string {
  const text = expectText(value, path, 1, 128);
  if (findOrg(text) === undefined) {
    throw invalidArgument(path, `must name a member of the consortium, got ${JSON.stringify(text)}`);
  }
  return text;
}

export function parseSetOrgProfileJson(text: unknown): SetOrgProfileInput {
  const record = decodeJsonArgument(text);
  rejectUnknownFields(record, ['mspId', 'unitName'], '');
  return {
    mspId: parseMemberMsp(requiredField(record, 'mspId', '')),
    unitName: expectText(requiredField(record, 'unitName', ''), 'unitName', 1, UNIT_NAME_MAX),
  };
}

function parseRange(value: unknown): CodeRange {
  const record = expectRecord(value, 'range');
  rejectUnknownFields(record, ['first', 'last'], 'range');
  const first = expectPattern(requiredField(record, 'first', 'range'), 'range.first', INVOICE_CODE, 'exactly 8 digits');
  const last = expectPattern(requiredField(record, 'last', 'range'), 'range.last', INVOICE_CODE, 'exactly 8 digits');
  if (first > last) throw invalidArgument('range.last', `must not be below range.first (${first})`);
  return { first, last };
}

export function parseAllocateCodesJson(text: unknown): AllocateCodesInput {
  const record = decodeJsonArgument(text);
  rejectUnknownFields(record, ['mspId', 'range'], '');
  return {
    mspId: parseMemberMsp(requiredField(record, 'mspId', '')),
    range: parseRange(requiredField(record, 'range', '')),
  };
}

export function newProfile(input: SetOrgProfileInput, existing: OrgProfile | undefined, tx: TxContext): OrgProfile {
  return {
    mspId: input.mspId,
    unitName: input.unitName,
    codeRanges: existing?.codeRanges ?? [],
    updatedAt: tx.timestamp,
    lastTxId: tx.txId,
  };
}

/** `profile` with `range` added; refused when it overlaps any range of any org (`all`). */
export function allocate(profile: OrgProfile, range: CodeRange, all: readonly OrgProfile[], tx: TxContext): OrgProfile {
  for (const other of all) {
    const clash = other.codeRanges.find((taken) => rangesOverlap(taken, range));
    if (clash !== undefined) {
      throw chaincodeError(
        ErrorCode.CODE_RANGE_OVERLAP,
        `codes ${range.first}..${range.last} overlap ${clash.first}..${clash.last} allocated to ${other.mspId}`,
      );
    }
  }
  const codeRanges = [...profile.codeRanges, range].sort((a, b) => (a.first < b.first ? -1 : 1));
  return { ...profile, codeRanges, updatedAt: tx.timestamp, lastTxId: tx.txId };
}

/** The caller's registered unit name, provided `code` is allocated to it. */
export function issuingUnitFor(profile: OrgProfile | undefined, mspId: string, code: string): string {
  if (profile === undefined) {
    throw chaincodeError(ErrorCode.ORG_NOT_REGISTERED, `organisation ${mspId} has no profile in the registry`);
  }
  if (!profile.codeRanges.some((range) => codeInRange(code, range))) {
    throw chaincodeError(ErrorCode.CODE_NOT_ALLOCATED, `invoice code ${code} is not allocated to ${mspId}`);
  }
  return profile.unitName;
}

export function parseStoredProfile(value: unknown): OrgProfile {
  const record = expectRecord(value, 'profile');
  rejectUnknownFields(record, ['mspId', 'unitName', 'codeRanges', 'updatedAt', 'lastTxId'], '');
  const ranges = requiredField(record, 'codeRanges', '');
  if (!Array.isArray(ranges)) throw invalidArgument('codeRanges', 'must be an array');
  return {
    mspId: parseMemberMsp(requiredField(record, 'mspId', '')),
    unitName: expectText(requiredField(record, 'unitName', ''), 'unitName', 1, UNIT_NAME_MAX),
    codeRanges: ranges.map((range) => parseRange(range)),
    updatedAt: expectText(requiredField(record, 'updatedAt', ''), 'updatedAt', 1, 64),
    lastTxId: expectText(requiredField(record, 'lastTxId', ''), 'lastTxId', 1, 256),
  };
}
