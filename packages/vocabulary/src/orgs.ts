/** The members of the consortium (Fabric MSP ids) and what kind of organisation each is. */
export const MspId = {
  HOSPITAL1: 'Hospital1MSP',
  HOSPITAL2: 'Hospital2MSP',
  MEDICAL_INSURANCE: 'MedInsMSP',
  INSURER: 'InsurerMSP',
  HEALTH_COMMISSION: 'HealthCommMSP',
} as const;

export type MspId = (typeof MspId)[keyof typeof MspId];

export const ORG_KINDS = ['hospital', 'medical-insurance-bureau', 'commercial-insurer', 'health-commission'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

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

export const MSP_IDS: readonly MspId[] = Object.freeze(ORGS.map((org) => org.mspId));

export function findOrg(mspId: string): Org | undefined {
  return ORGS.find((org) => org.mspId === mspId);
}

export function isMspId(value: string): value is MspId {
  return findOrg(value) !== undefined;
}

/** Only hospitals issue invoices. */
export function mayIssueInvoices(mspId: string): boolean {
  return findOrg(mspId)?.kind === 'hospital';
}

/** The medical-insurance bureau and commercial insurers lock and reimburse invoices. */
export function mayReimburse(mspId: string): boolean {
  const kind = findOrg(mspId)?.kind;
  return kind === 'medical-insurance-bureau' || kind === 'commercial-insurer';
}
