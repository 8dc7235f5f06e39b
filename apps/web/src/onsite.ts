/**
 * On-site consent by QR code. The doctor's page shows the doctor's code, `hdt-doctor:<mspId>:<username>`;
 * the resident scans it (or types it) on the phone, which signs a grant to that one doctor, for
 * treatment, from now for a few minutes only; the phone then shows the grant's code,
 * `hdt-grant:<residentId>:<grantId>`, for the doctor's system to read the records under it. Another
 * doctor presenting that code, or anyone after its time, is refused by the grant itself: its
 * grantee names one doctor and its validity window closes.
 */
import { ACTOR, ALL_FIELDS, type GrantTerms, HEALTH_RECORD_TYPES, type MspId, ORGS } from '@hdt/vocabulary';
import { t } from './i18n.js';
import { InputError } from './messages.js';

export interface OnSiteDoctor {
  readonly mspId: MspId;
  readonly doctorId: string;
}

/** How long an on-site grant may run, in minutes; the phone offers these. */
export const ON_SITE_MINUTES = [15, 30, 60] as const;

const HOSPITAL_IDS: readonly MspId[] = ORGS.filter((org) => org.kind === 'hospital').map((org) => org.mspId);

export function doctorCode(doctor: { readonly mspId: string; readonly doctorId: string }): string {
  return `hdt-doctor:${doctor.mspId}:${doctor.doctorId}`;
}

/** The doctor a scanned (or typed) code names; anything else is refused with a message. */
export function parseDoctorCode(text: string): OnSiteDoctor {
  const match = /^hdt-doctor:([A-Za-z0-9]+):(.+)$/.exec(text.trim());
  const mspId = HOSPITAL_IDS.find((id) => id === match?.[1]);
  const doctorId = match?.[2] ?? '';
  if (mspId === undefined || !ACTOR.test(doctorId)) throw new InputError(() => t('onsite.badCode'));
  return { mspId, doctorId };
}

/** A treatment grant to that one doctor, every record type and field, from a minute ago for `minutes`. */
export function onSiteTerms(doctor: OnSiteDoctor, minutes: number, now: Date, grantId: string): GrantTerms {
  return {
    grantId,
    grantee: { mspId: doctor.mspId, doctorId: doctor.doctorId },
    purpose: 'TREATMENT',
    referralId: null,
    scope: { recordTypes: [...HEALTH_RECORD_TYPES], recordIds: [], fields: [ALL_FIELDS] },
    notBefore: new Date(now.getTime() - 60_000).toISOString(),
    notAfter: new Date(now.getTime() + minutes * 60_000).toISOString(),
    useLimit: null,
  };
}

export function grantCode(residentId: string, grantId: string): string {
  return `hdt-grant:${residentId}:${grantId}`;
}
