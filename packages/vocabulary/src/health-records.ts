/**
 * Health records (健康档案) as consent and access name them: the kinds of record an index entry
 * points to, and the identifiers of a record and of the fields inside one.
 */

/**
 * ENCOUNTER: outpatient or inpatient encounter record; LAB_REPORT / EXAM_REPORT: laboratory and
 * examination reports; DISCHARGE_SUMMARY; CHECKUP_REPORT; PRESCRIPTION; IMAGING_REPORT.
 */
export const HEALTH_RECORD_TYPES = [
  'ENCOUNTER',
  'LAB_REPORT',
  'EXAM_REPORT',
  'DISCHARGE_SUMMARY',
  'CHECKUP_REPORT',
  'PRESCRIPTION',
  'IMAGING_REPORT',
] as const;
export type HealthRecordType = (typeof HEALTH_RECORD_TYPES)[number];

/** A record's identifier at its source: 1..64 letters, digits, ".", "_", ":" or "-". */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * A field of a record, as a dotted path of identifiers (`diagnosis`, `labResults.value`): each
 * segment starts with a letter; at most 128 characters in all.
 */
export const RECORD_FIELD = /^(?=.{1,128}$)[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;
