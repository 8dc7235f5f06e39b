/** The API's answer about the resident's policy preferences, checked field by field (parse.ts). */
import { HEALTH_RECORD_TYPES, type PolicyPreferences } from '@hdt/vocabulary';
import { count, type Json, list, member, nullableStr, record, str } from './parse.js';

export interface PoliciesView {
  readonly preferences: PolicyPreferences;
  /** 0: the resident never narrowed the general policies. */
  readonly version: number;
  readonly updatedAt: string | null;
}

function strings(o: Json, key: string, path: string): string[] {
  return list(o, key, path, (v, p) => str({ v }, 'v', p));
}

export function parsePolicies(value: unknown, path = 'body'): PoliciesView {
  const o = record(value, path);
  const prefs = record(o['preferences'], `${path}.preferences`);
  const sourceOrg = record(prefs['sourceOrg'], `${path}.preferences.sourceOrg`);
  const breakGlass = record(prefs['breakGlass'], `${path}.preferences.breakGlass`);
  const type = (v: unknown, p: string) => member(HEALTH_RECORD_TYPES, v, p);
  return {
    preferences: {
      sourceOrg: {
        excludedRecordTypes: list(sourceOrg, 'excludedRecordTypes', `${path}.preferences.sourceOrg`, type),
        excludedOrgs: strings(sourceOrg, 'excludedOrgs', `${path}.preferences.sourceOrg`),
        notAfter: nullableStr(sourceOrg, 'notAfter', `${path}.preferences.sourceOrg`),
      },
      breakGlass: {
        recordTypes: list(breakGlass, 'recordTypes', `${path}.preferences.breakGlass`, type),
        fields: strings(breakGlass, 'fields', `${path}.preferences.breakGlass`),
      },
    },
    version: count(o, 'version', path),
    updatedAt: nullableStr(o, 'updatedAt', path),
  };
}

export function parsePoliciesAnswer(value: unknown): PoliciesView {
  return parsePolicies(record(value, 'body')['preferences'], 'body.preferences');
}
