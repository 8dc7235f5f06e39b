/**
 * The page language (Chinese by default, English on request), kept across pages in localStorage.
 * The choice is a Vue ref: whatever reads it while rendering is drawn again when it changes.
 */
import { shallowRef } from 'vue';
import type { Label } from './labels.js';
import { TEXTS, type TextKey } from './texts.js';

export type Lang = 'zh' | 'en';
export type Params = Readonly<Record<string, string | number>>;

const STORAGE_KEY = 'hdt.lang';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // no browser, or storage disabled: the choice lasts for this page only
  }
}

function initialLang(): Lang {
  if (typeof window === 'undefined') return 'zh';
  const requested = new URLSearchParams(window.location.search).get('lang');
  if (requested === 'zh' || requested === 'en') return requested;
  return storage()?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

/** Decided on first use (not at load), so that modules using it also load outside a browser. */
let initial: Lang | undefined;
const chosen = shallowRef<Lang | undefined>(undefined);

export function lang(): Lang {
  return chosen.value ?? (initial ??= initialLang());
}

export function setLang(next: Lang): void {
  chosen.value = next;
  storage()?.setItem(STORAGE_KEY, next);
}

export function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The text of `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: TextKey, params: Params = {}): string {
  return fill(TEXTS[key][lang()], params);
}

/** A vocabulary label in the current language. */
export function pick(label: Label): string {
  return label[lang()];
}
