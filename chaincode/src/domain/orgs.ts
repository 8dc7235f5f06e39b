import { ErrorCode, chaincodeError } from './errors';

/** Membership service provider ids of the consortium. */
export const MspId = {
  HOSPITAL1: 'Hospital1MSP',
  HOSPITAL2: 'Hospital2MSP',
  MEDICAL_INSURANCE: 'MedInsMSP',
  INSURER: 'InsurerMSP',
  HEALTH_COMMISSION: 'HealthCommMSP',
} as const;

export type MspId = (typeof MspId)[keyof typeof MspId];

export type OrgKind = 'hospital' | 'medical-insurance-bureau' | 'commercial-insurer' | 'health-commission';

export interface Org {
  readonly mspId: MspId;
  readonly kind: OrgKind;
  readonly description: string;
}

/** The organisation table: one row per member of the consortium. */
export const ORGS: readonly Org[] = Object.freeze([
  { mspId: MspId.HOSPITAL1, kind: 'hospital', description: 'district hospital' },
  { mspId: MspId.HOSPITAL2, kind: 'hospital', description: 'community health centre' },
  { mspId: MspId.MEDICAL_INSURANCE, kind: 'medical-insurance-bureau', description: 'medical-insurance bureau' },
  { mspId: MspId.INSURER, kind: 'commercial-insurer', description: 'commercial insurer' },
  { mspId: MspId.HEALTH_COMMISSION, kind: 'health-commission', description: 'health commission / platform centre' },
]);

export function findOrg(mspId: string): Org | undefined {
  return ORGS.find((org) => org.mspId === mspId);
}

export function isHospitalMsp(mspId: string): boolean {
  return findOrg(mspId)?.kind === 'hospital';
}

export function isConsortiumMsp(mspId: string): boolean {
  return findOrg(mspId) !== undefined;
}

/** Only hospital organisations issue invoices. Returns the issuer's MSP id. */
export function authoriseIssuer(mspId: string): MspId {
  const org = findOrg(mspId);
  if (org === undefined || org.kind !== 'hospital') {
    throw chaincodeError(
      ErrorCode.FORBIDDEN,
      `organisation ${describe(mspId)} may not issue invoices; only hospital organisations may`,
    );
  }
  return org.mspId;
}

/** Reading and verifying invoices is open to every member of the consortium. */
export function authoriseMember(mspId: string): MspId {
  const org = findOrg(mspId);
  if (org === undefined) {
    throw chaincodeError(ErrorCode.FORBIDDEN, `organisation ${describe(mspId)} is not a member of the consortium`);
  }
  return org.mspId;
}

function describe(mspId: string): string {
  return mspId === '' ? '(none)' : JSON.stringify(mspId);
}
